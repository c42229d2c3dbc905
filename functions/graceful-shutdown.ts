import type { Drain } from './drain';

export interface GracefulShutdownOptions {
  drain: Drain;
  /** How long in-flight work may take; Cloud Run kills the instance 10 s after SIGTERM. */
  graceMs: number;
  /** Runs once in-flight work is done (or the grace is spent): flush digests, close clients. */
  beforeExit: (drained: boolean, inFlight: number) => Promise<void>;
  /** Bounds beforeExit, so the exit happens inside the platform's grace. */
  closeMs: number;
  exit?: (code: number) => void;
  proc?: NodeJS.Process;
}

/**
 * Takes SIGTERM over from the Functions Framework. Its own handler answers the latest in-flight request
 * with a 500 and exits at once, which can cut an order between sending and recording; TradingView does not
 * resend a 500 it never got, and the claim's lease then holds the alert for half a minute. Instead: stop
 * admitting alerts (they get a 503, which TradingView resends to another instance), let the ones in flight
 * finish and record their outcome, then exit.
 */
export function installGracefulShutdown(o: GracefulShutdownOptions): void {
  const proc = o.proc ?? process;
  const exit = o.exit ?? ((code: number) => proc.exit(code));
  let stopping = false;
  const onTerm = () => {
    if (stopping) return;
    stopping = true;
    o.drain.start();
    void o.drain
      .idle(o.graceMs)
      .then((drained) => Promise.race([o.beforeExit(drained, o.drain.inFlight), new Promise((r) => setTimeout(r, o.closeMs).unref())]))
      .catch(() => undefined)
      .finally(() => exit(0));
  };
  proc.on('SIGTERM', onTerm);
  // The framework registers its SIGTERM handler after our module has loaded (when its server listens):
  // take each later one out again, once it is in place.
  proc.on('newListener', (event: string | symbol, listener: (...args: unknown[]) => void) => {
    if (event === 'SIGTERM' && listener !== onTerm) queueMicrotask(() => proc.removeListener('SIGTERM', listener));
  });
}
