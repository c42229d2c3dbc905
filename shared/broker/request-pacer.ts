import type { Clock } from '../platform/clock';

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
  sentLastSecond: number;
  sentLastMinute: number;
  pausedUntil?: number;
}

/**
 * A sliding-window pacer shared by every broker call of an instance. Calls queue in arrival order and
 * leave only when both windows have room, so a burst at 09:15 is spread out instead of tripping
 * Fyers' limiter. A 429's Retry-After pauses the whole queue. The webhook is deployed with one
 * instance (see terraform), which makes this per-instance pacer the per-app pacer Fyers counts.
 */
export function createRequestPacer(opts: PacerOptions) {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const sent: number[] = [];
  let pausedUntil = 0;
  let tail: Promise<void> = Promise.resolve();
  let queued = 0;

  const prune = (now: number) => {
    while (sent.length && sent[0]! <= now - 60_000) sent.shift();
  };
  const countSince = (t: number) => {
    let n = 0;
    for (let i = sent.length - 1; i >= 0 && sent[i]! > t; i--) n++;
    return n;
  };
  /** Earliest instant at which one more request fits both windows. */
  const nextSlot = (now: number) => {
    prune(now);
    let at = Math.max(now, pausedUntil);
    if (countSince(at - 1000) >= opts.perSecond) at = Math.max(at, sent[sent.length - opts.perSecond]! + 1000);
    if (countSince(at - 60_000) >= opts.perMinute) at = Math.max(at, sent[sent.length - opts.perMinute]! + 60_000);
    return at;
  };
  return {
    /**
     * Waits for a slot and runs `fn`. Returns undefined without running it when no slot comes before
     * the deadline (now + maxWaitMs, or `notAfter` if sooner), so the caller can refuse with certainty
     * that nothing was sent. Calls are served in arrival order; the check happens at each call's turn,
     * when its slot is known exactly.
     */
    async run<T>(fn: () => Promise<T>, limit: { notAfter?: number } = {}): Promise<{ value: T } | undefined> {
      const deadline = Math.min(limit.notAfter ?? Infinity, opts.clock() + opts.maxWaitMs);
      let gotSlot = false;
      queued++;
      const turn = tail.then(async () => {
        for (;;) {
          const now = opts.clock();
          const at = nextSlot(now);
          if (at > deadline) return;
          if (at <= now) break;
          await sleep(at - now);
        }
        sent.push(opts.clock());
        gotSlot = true;
      });
      tail = turn.catch(() => undefined);
      try {
        await turn;
      } finally {
        queued--;
      }
      return gotSlot ? { value: await fn() } : undefined;
    },
    /** Fyers said 429: nobody sends for this long. */
    pauseFor(ms: number) {
      pausedUntil = Math.max(pausedUntil, opts.clock() + ms);
    },
    snapshot(): PacerSnapshot {
      const now = opts.clock();
      prune(now);
      return { queued, sentLastSecond: countSince(now - 1000), sentLastMinute: sent.length, pausedUntil: pausedUntil > now ? pausedUntil : undefined };
    },
  };
}

export type RequestPacer = ReturnType<typeof createRequestPacer>;
