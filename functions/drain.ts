/**
 * Counts the alerts this instance is working on, and stops admitting new ones once shutdown begins,
 * so that every alert it accepted is finished and recorded and every one it did not is refused whole.
 */
export interface Drain {
  /** Admits one unit of work and returns its release, or undefined once the instance is draining. */
  enter(): (() => void) | undefined;
  readonly draining: boolean;
  readonly inFlight: number;
  /** Stops admitting work. */
  start(): void;
  /** Resolves true once nothing is in flight, or false when `timeoutMs` passed first. */
  idle(timeoutMs: number): Promise<boolean>;
}

export function createDrain(): Drain {
  let inFlight = 0;
  let draining = false;
  let waiters: Array<() => void> = [];
  const settle = () => {
    if (inFlight > 0) return;
    const w = waiters;
    waiters = [];
    for (const wake of w) wake();
  };
  return {
    enter() {
      if (draining) return undefined;
      inFlight += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inFlight -= 1;
        settle();
      };
    },
    get draining() {
      return draining;
    },
    get inFlight() {
      return inFlight;
    },
    start() {
      draining = true;
    },
    idle(timeoutMs) {
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
  };
}

/**
 * A pace for background work done in steps (a symbol index swap, shared/symbols/stepwise.ts): one step
 * per turn of the event loop, after the I/O that is ready, and none while the drain has work in flight,
 * up to `maxWaitMs` per step so the background work still ends under steady load.
 */
export function paceBehind(drain: Drain, maxWaitMs: number): () => Promise<void> {
  return async () => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (drain.inFlight > 0) await drain.idle(maxWaitMs);
  };
}

/** The webhook's drain: one per process, shared by the entry point and the shutdown hook. */
export const webhookDrain = createDrain();
