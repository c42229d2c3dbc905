import type { Clock } from '../../platform/clock';
import { paceWindows, type PaceWindow } from './pace-windows';

export interface PacerOptions {
  clock: Clock;
  /**
   * This instance's share of Fyers' 10/s and 200/min per app. Fractional shares are held over longer
   * windows (0.5/s: one call per 2 s; see pace-windows.ts). 0 means this function has no share: every
   * call is refused before it is sent.
   */
  perSecond: number;
  perMinute: number;
  /** Waits longer than this are not queued: the caller gets `undefined` and must refuse (nothing sent). */
  maxWaitMs: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Order writes (place, modify, cancel) go before every queued read: a position, funds or orderbook
 * read can wait a second, an order the strategy fired cannot. Within a priority, arrival order.
 */
export type PacerPriority = 'write' | 'read';

export interface PacerSnapshot {
  queued: number;
  inFlight: number;
  sentLastSecond: number;
  sentLastMinute: number;
  /** Every call this pacer has let through since it was made: readiness, and the proof that nothing bypasses it. */
  granted: number;
  pausedUntil?: number;
}

/** One call through the pacer: counted from its grant and judged by when it ended (Infinity while in flight). */
interface Sent {
  endedAt: number;
}

interface Waiter {
  priority: PacerPriority;
  deadline: number;
  /** Hands the waiter its slot, or undefined: refused, nothing sent. */
  grant: (slot: Sent | undefined) => void;
}

/**
 * A pacer shared by every broker call of an instance, that holds this instance's share of Fyers'
 * limits *at Fyers*, where they are counted. A call's arrival at Fyers is only known to lie between
 * the moment we let it go and the moment its answer came back: an event-loop stall can hold a granted
 * call back and release it together with later ones. So each call is counted in the windows at the
 * instant it ENDED (in flight = still counting), and the next call may go only when every window has
 * room among the calls that ended within it. Whatever a stall delays, two calls `perSecond` apart
 * then arrive at least a second apart. Nothing accumulates while idle or stalled: there is no bucket
 * to refill, only the record of calls that really happened. A 429's Retry-After pauses the whole queue.
 *
 * One pump serves the queue: at each free slot it takes the first queued write, else the first read,
 * so a write that arrives while reads wait goes next. A waiter whose deadline falls before the next
 * possible slot is refused at once, wherever it waits: slots only ever move later.
 */
export function createRequestPacer(opts: PacerOptions) {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const noShare = opts.perSecond === 0 || opts.perMinute === 0;
  const windows: PaceWindow[] = noShare ? [] : [...paceWindows(opts.perSecond, 1000), ...paceWindows(opts.perMinute, 60_000)];
  // Calls that ended longer ago than the longest window can no longer hold anything back.
  const memoryMs = Math.max(60_000, ...windows.map((w) => w.ms));
  const sent: Sent[] = [];
  const queue: Waiter[] = [];
  let pausedUntil = 0;
  let pumping = false;
  let granted = 0;
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
    for (let i = sent.length - 1; i >= 0; i--) if (sent[i]!.endedAt <= now - memoryMs) sent.splice(i, 1);
  };
  /** Earliest instant at which one more call fits every window; Infinity while that depends on a call still in flight. */
  const nextSlot = (now: number) => {
    prune(now);
    let at = Math.max(now, pausedUntil);
    const ends = sent.map((s) => s.endedAt).sort((a, b) => b - a);
    for (const w of windows) if (ends.length >= w.calls) at = Math.max(at, ends[w.calls - 1]! + w.ms);
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
  /** Refuses every waiter that can no longer go before its deadline. */
  const refuseBefore = (instant: number) => {
    for (let i = queue.length - 1; i >= 0; i--) {
      const w = queue[i]!;
      if (w.deadline < instant) {
        queue.splice(i, 1);
        w.grant(undefined);
      }
    }
  };
  const enqueue = (w: Waiter) => {
    // Writes line up behind earlier writes but ahead of every read.
    const firstRead = w.priority === 'write' ? queue.findIndex((q) => q.priority === 'read') : -1;
    if (firstRead === -1) queue.push(w);
    else queue.splice(firstRead, 0, w);
  };
  const pump = async () => {
    if (pumping) return;
    pumping = true;
    try {
      while (queue.length > 0) {
        const now = opts.clock();
        const at = nextSlot(now);
        refuseBefore(at === Infinity ? now : at);
        if (queue.length === 0) break;
        if (at === Infinity) {
          const soonest = Math.min(...queue.map((w) => w.deadline));
          await untilEndOr(Math.max(1, soonest - now));
        } else if (at > now) {
          await sleep(at - now);
        } else {
          // Taken at grant time, not arrival time: a write that came in while we slept goes first.
          const slot: Sent = { endedAt: Infinity };
          sent.push(slot);
          granted += 1;
          queue.shift()!.grant(slot);
        }
      }
    } finally {
      pumping = false;
    }
  };

  return {
    /**
     * Waits for a slot and runs `fn`. Returns undefined without running it when no slot comes before
     * the deadline (now + maxWaitMs, or `notAfter` if sooner), so the caller can refuse with certainty
     * that nothing was sent. Writes are served before reads; within a priority, in arrival order.
     */
    async run<T>(fn: () => Promise<T>, limit: { notAfter?: number; priority?: PacerPriority } = {}): Promise<{ value: T } | undefined> {
      if (noShare) return undefined;
      const now = opts.clock();
      const deadline = Math.min(limit.notAfter ?? Infinity, now + opts.maxWaitMs);
      const at = nextSlot(now);
      // Slots only move later, so a deadline before the next one can never be met: refuse without queuing.
      if (now > deadline || (at !== Infinity && at > deadline)) return undefined;
      const slot = await new Promise<Sent | undefined>((grant) => {
        enqueue({ priority: limit.priority ?? 'read', deadline, grant });
        void pump();
      });
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
        queued: queue.length,
        inFlight: sent.filter((s) => s.endedAt === Infinity).length,
        sentLastSecond: countSince(now - 1000),
        sentLastMinute: countSince(now - 60_000),
        granted,
        pausedUntil: pausedUntil > now ? pausedUntil : undefined,
      };
    },
  };
}

export type RequestPacer = ReturnType<typeof createRequestPacer>;
