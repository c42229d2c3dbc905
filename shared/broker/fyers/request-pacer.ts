import type { Clock } from '../../platform/clock';

export interface PacerOptions {
  clock: Clock;
  /** Fyers allows 10/s and 200/min per app; we stay under both with headroom. */
  perSecond: number;
  perMinute: number;
  /** Waits longer than this are not queued: the caller gets `undefined` and must refuse (nothing sent). */
  maxWaitMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface PacerSnapshot {
  queued: number;
  inFlight: number;
  sentLastSecond: number;
  sentLastMinute: number;
  pausedUntil?: number;
}

/** One call through the pacer: counted from its grant and judged by when it ended (Infinity while in flight). */
interface Sent {
  endedAt: number;
}

/**
 * A pacer shared by every broker call of an instance, that holds Fyers' limits *at Fyers*, where they
 * are counted. Calls queue in arrival order. A call's arrival at Fyers is only known to lie between the
 * moment we let it go and the moment its answer came back: an event-loop stall can hold a granted call
 * back and release it together with later ones. So each call is counted in the windows at the instant
 * it ENDED (in flight = still counting), and the next call may go only when fewer than `perSecond`
 * calls ended within the last second (and `perMinute` within the last minute). Whatever a stall
 * delays, two calls `perSecond` apart then arrive at least a second apart. Nothing accumulates while
 * idle or stalled: there is no bucket to refill, only the record of calls that really happened.
 * A 429's Retry-After pauses the whole queue. The webhook is deployed with one instance (see
 * terraform), which makes this per-instance pacer the per-app pacer Fyers counts.
 */
export function createRequestPacer(opts: PacerOptions) {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const sent: Sent[] = [];
  let pausedUntil = 0;
  let tail: Promise<void> = Promise.resolve();
  let queued = 0;
  let ended: { promise: Promise<void>; resolve: () => void } | undefined;

  const endSignal = () => {
    if (!ended) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      ended = { promise, resolve };
    }
    return ended.promise;
  };
  const markEnded = (s: Sent) => {
    s.endedAt = opts.clock();
    const e = ended;
    ended = undefined;
    e?.resolve();
  };
  const prune = (now: number) => {
    for (let i = sent.length - 1; i >= 0; i--) if (sent[i]!.endedAt <= now - 60_000) sent.splice(i, 1);
  };
  /** Earliest instant at which one more call fits both windows; Infinity while that depends on a call still in flight. */
  const nextSlot = (now: number) => {
    prune(now);
    let at = Math.max(now, pausedUntil);
    const ends = sent.map((s) => s.endedAt).sort((a, b) => b - a);
    if (ends.length >= opts.perSecond) at = Math.max(at, ends[opts.perSecond - 1]! + 1000);
    if (ends.length >= opts.perMinute) at = Math.max(at, ends[opts.perMinute - 1]! + 60_000);
    return at;
  };
  /** Wakes at the first call's end or at `ms` of real time, whichever comes first. */
  const untilEndOr = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref?.();
      void endSignal().then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  const countSince = (t: number) => sent.filter((s) => s.endedAt > t).length;

  return {
    /**
     * Waits for a slot and runs `fn`. Returns undefined without running it when no slot comes before
     * the deadline (now + maxWaitMs, or `notAfter` if sooner), so the caller can refuse with certainty
     * that nothing was sent. Calls are served in arrival order; the check happens at each call's turn.
     */
    async run<T>(fn: () => Promise<T>, limit: { notAfter?: number } = {}): Promise<{ value: T } | undefined> {
      const deadline = Math.min(limit.notAfter ?? Infinity, opts.clock() + opts.maxWaitMs);
      let slot: Sent | undefined;
      queued++;
      const turn = tail.then(async () => {
        for (;;) {
          const now = opts.clock();
          if (now > deadline) return;
          const at = nextSlot(now);
          if (at === Infinity) await untilEndOr(deadline - now);
          else if (at > deadline) return;
          else if (at <= now) break;
          else await sleep(at - now);
        }
        slot = { endedAt: Infinity };
        sent.push(slot);
      });
      tail = turn.catch(() => undefined);
      try {
        await turn;
      } finally {
        queued--;
      }
      if (!slot) return undefined;
      try {
        return { value: await fn() };
      } finally {
        markEnded(slot);
      }
    },
    /** Fyers said 429: nobody sends for this long. */
    pauseFor(ms: number) {
      pausedUntil = Math.max(pausedUntil, opts.clock() + ms);
    },
    snapshot(): PacerSnapshot {
      const now = opts.clock();
      prune(now);
      return {
        queued,
        inFlight: sent.filter((s) => s.endedAt === Infinity).length,
        sentLastSecond: countSince(now - 1000),
        sentLastMinute: sent.length,
        pausedUntil: pausedUntil > now ? pausedUntil : undefined,
      };
    },
  };
}

export type RequestPacer = ReturnType<typeof createRequestPacer>;
