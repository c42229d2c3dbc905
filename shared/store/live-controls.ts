import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { ttlCache } from '../platform/ttl-cache';
import type { ControlsStore, RuntimeControls } from './controls.port';

export interface LiveControlsOptions {
  clock: Clock;
  logger: Logger;
  /** How long a read through the cache is trusted when no listener is live. */
  cacheMs: number;
  /** Wait before listening again after the stream broke. */
  resubscribeMs?: number;
}

export type LiveControls = (() => Promise<RuntimeControls>) & {
  /** A change made through this instance: answer with it at once (the listener confirms it shortly). */
  changed(after: RuntimeControls): void;
  /** Start listening now (at start-up, so the first alert finds the value in memory). */
  start(): void;
  /** Whether the answers come from a live listener right now. */
  listening(): boolean;
  close(): void;
};

/**
 * The runtime controls as every alert reads them. Where the store can push changes (Firestore's
 * real-time listener on the one controls document), the latest pushed value is the answer, so a kill
 * switch set through any instance bites on every instance within the listener's latency (well under
 * a second), with no read in the alert's path. When the stream breaks, or before it has delivered,
 * reads go through the short TTL cache instead, and listening starts again. Both directions of the
 * switch travel the same way, so switching off is never slower than switching on.
 */
export function liveControls(store: ControlsStore, opts: LiveControlsOptions): LiveControls {
  const cached = ttlCache(() => store.get(), opts.cacheMs, opts.clock);
  let latest: RuntimeControls | undefined;
  let unsubscribe: (() => void) | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  // Callbacks of a stream that already broke must not overwrite what a newer one says.
  let generation = 0;
  let polled: RuntimeControls | undefined;

  const start = () => {
    if (!store.watch || unsubscribe || retry || closed) return;
    const mine = ++generation;
    try {
      unsubscribe = store.watch(
        (c) => {
          if (mine !== generation || closed) return;
          latest = c;
          // A pushed value is the freshest there is: the next background read starts from it.
          polled = undefined;
          cached.invalidate();
        },
        (e) => {
          if (mine !== generation) return;
          generation++;
          opts.logger.warn('controls listener stopped; reading through the cache until it is back', { error: e });
          latest = undefined;
          unsubscribe = undefined;
          cached.invalidate();
          retry = setTimeout(() => {
            retry = undefined;
            start();
          }, opts.resubscribeMs ?? 5_000);
          retry.unref?.();
        },
      );
    } catch (e) {
      opts.logger.warn('could not listen to the controls; reading through the cache', { error: e });
    }
  };

  // A stream the SDK is silently reopening never reports an error, so the pushed value alone could go
  // stale without limit. A background read through the cache (at most one per cacheMs, never awaited by
  // an alert) bounds that: when either source says trading is off, trading is off.
  const poll = () => {
    cached().then(
      (c) => {
        polled = c;
      },
      () => undefined,
    );
  };
  const read = (async () => {
    start();
    if (latest === undefined) return cached();
    poll();
    return polled && !polled.tradingEnabled && latest.tradingEnabled ? polled : latest;
  }) as LiveControls;
  read.changed = (after) => {
    cached.invalidate();
    polled = undefined;
    if (latest !== undefined) latest = after;
  };
  read.start = start;
  read.listening = () => latest !== undefined;
  read.close = () => {
    closed = true;
    generation++;
    if (retry) clearTimeout(retry);
    unsubscribe?.();
    unsubscribe = undefined;
    latest = undefined;
  };
  return read;
}
