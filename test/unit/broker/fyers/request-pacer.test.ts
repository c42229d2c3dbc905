import { manualClock } from '../../../../shared/platform/clock';
import { createRequestPacer } from '../../../../shared/broker/fyers/request-pacer';

/** A pacer on a manual clock whose sleeps advance that clock, so the schedule is exact and instant. */
function pacer(perSecond: number, perMinute: number, maxWaitMs = 120_000) {
  const clock = manualClock(1_000_000);
  const p = createRequestPacer({
    clock,
    perSecond,
    perMinute,
    maxWaitMs,
    sleep: async (ms) => {
      clock.advance(ms);
    },
  });
  return { clock, p };
}

/** Lets every pending promise and immediate run, without waiting on real time. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

/** How many of `starts` fall in the window of `ms` ending at each start, at most. */
const busiestWindow = (starts: number[], ms: number) => Math.max(...starts.map((t) => starts.filter((u) => u > t - ms && u <= t).length));

describe('request pacer', () => {
  it('never lets more than perSecond calls start within any one-second window, and runs them all', async () => {
    const { clock, p } = pacer(8, 1000);
    const starts: number[] = [];
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => p.run(async () => (starts.push(clock()), i))));
    expect(results.map((r) => r?.value)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    for (const t of starts) expect(starts.filter((u) => u > t - 1000 && u <= t).length).toBeLessThanOrEqual(8);
    // 30 calls at 8/s need at least three full seconds of spreading.
    expect(starts[29]! - starts[0]!).toBeGreaterThanOrEqual(3000);
  });

  it('holds the per-minute budget too', async () => {
    const { clock, p } = pacer(100, 20);
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 25 }, () => p.run(async () => starts.push(clock()))));
    expect(starts.filter((t) => t < starts[0]! + 60_000)).toHaveLength(20);
    expect(starts[20]! - starts[0]!).toBeGreaterThanOrEqual(60_000);
  });

  it('refuses (without running) a call whose wait would exceed maxWaitMs', async () => {
    const { p } = pacer(2, 1000, 1500);
    let ran = 0;
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => p.run(async () => ++ran)));
    const refused = outcomes.filter((o) => o === undefined).length;
    expect(refused).toBeGreaterThan(0);
    expect(ran).toBe(10 - refused);
  });

  it('a 429 pause holds every caller until it lapses', async () => {
    const { clock, p } = pacer(10, 200);
    const t0 = clock();
    p.pauseFor(2000);
    let startedAt = 0;
    await p.run(async () => (startedAt = clock()));
    expect(startedAt - t0).toBeGreaterThanOrEqual(2000);
  });

  it('never lets a call wait longer than maxWaitMs, even when the minute window is what holds it back', async () => {
    const { clock, p } = pacer(8, 180, 15_000);
    // Nearly fill the minute: 176 calls spread over 22 s.
    for (let i = 0; i < 176; i++) {
      await p.run(async () => undefined);
      clock.advance(125);
    }
    const joinedAt = clock();
    const waits = await Promise.all(Array.from({ length: 20 }, () => p.run(async () => clock() - joinedAt)));
    const ran = waits.filter((w) => w !== undefined).map((w) => w!.value);
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.length).toBeLessThan(20);
    for (const w of ran) expect(w).toBeLessThanOrEqual(15_000);
  });

  it('does not start a call after its notAfter instant', async () => {
    const { clock, p } = pacer(1, 100);
    await p.run(async () => undefined);
    const r = await p.run(async () => 'sent', { notAfter: clock() + 500 });
    expect(r).toBeUndefined();
    const later = await p.run(async () => 'sent', { notAfter: clock() + 1500 });
    expect(later?.value).toBe('sent');
  });

  it('counts a call from when it ended, so calls a stall held back cannot arrive together with later ones', async () => {
    const { clock, p } = pacer(2, 100);
    // Each of the first two calls takes 700 ms to come back (a stall, or a slow wire): they may have
    // reached the broker as late as 700 and 1400.
    const slow = () => p.run(async () => void clock.advance(700));
    await Promise.all([slow(), slow()]);
    const firstEnd = 700;
    let thirdStart = 0;
    await p.run(async () => void (thirdStart = clock()));
    expect(thirdStart).toBeGreaterThanOrEqual(firstEnd + 1000);
  });

  it('does not let a call go while the calls that fill the window are still in flight', async () => {
    const { p } = pacer(1, 100);
    let release!: () => void;
    const first = p.run(() => new Promise<void>((r) => (release = r)));
    let secondRan = false;
    const second = p.run(async () => void (secondRan = true));
    await settle();
    expect(secondRan).toBe(false);
    release();
    await first;
    await second;
    expect(secondRan).toBe(true);
  });

  it('banks no capacity while idle or stalled: after a long gap a burst still gets only perSecond at once', async () => {
    const { clock, p } = pacer(3, 100);
    clock.advance(10_000);
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 7 }, () => p.run(async () => void starts.push(clock()))));
    expect(starts.filter((t) => t === starts[0])).toHaveLength(3);
    for (const t of starts) expect(starts.filter((u) => u > t - 1000 && u <= t).length).toBeLessThanOrEqual(3);
  });

  describe('fractional shares', () => {
    it('0.5/s lets one call go every two seconds', async () => {
      const { clock, p } = pacer(0.5, 100);
      const starts: number[] = [];
      await Promise.all(Array.from({ length: 5 }, () => p.run(async () => void starts.push(clock()))));
      expect(starts.slice(1).map((t, i) => t - starts[i]!)).toEqual([2000, 2000, 2000, 2000]);
    });

    it('2.5/min averages 2.5 a minute and never puts more than 3 in one minute', async () => {
      const { clock, p } = pacer(10, 2.5, 10 * 60_000);
      const starts: number[] = [];
      await Promise.all(Array.from({ length: 11 }, () => p.run(async () => void starts.push(clock()))));
      expect(starts).toHaveLength(11);
      expect(busiestWindow(starts, 60_000)).toBeLessThanOrEqual(3);
      // Ten gaps at 2.5 a minute: four minutes at least.
      expect(starts[10]! - starts[0]!).toBeGreaterThanOrEqual(4 * 60_000);
    });

    it('a zero share refuses every call without running it (a function Terraform gave no budget)', async () => {
      const { p } = pacer(0, 0);
      let ran = false;
      expect(await p.run(async () => void (ran = true))).toBeUndefined();
      expect(ran).toBe(false);
    });
  });

  describe('priority', () => {
    it('a write queued after reads goes before them', async () => {
      const { p } = pacer(1, 100);
      const order: string[] = [];
      const call = (name: string, priority: 'read' | 'write') => p.run(async () => void order.push(name), { priority });
      await Promise.all([call('r0', 'read'), call('r1', 'read'), call('r2', 'read'), call('w1', 'write'), call('w2', 'write')]);
      // r0 was granted at once; then writes in arrival order, then the reads that waited.
      expect(order).toEqual(['r0', 'w1', 'w2', 'r1', 'r2']);
    });

    it('a write that arrives while the pacer waits for a read slot takes that slot', async () => {
      const clock = manualClock(0);
      const order: string[] = [];
      let p!: ReturnType<typeof createRequestPacer>;
      let write: Promise<unknown> | undefined;
      p = createRequestPacer({
        clock,
        perSecond: 1,
        perMinute: 100,
        maxWaitMs: 60_000,
        sleep: async (ms) => {
          // The write arrives half way through the wait the queued read is sleeping out.
          write ??= p.run(async () => void order.push('write'), { priority: 'write' });
          clock.advance(ms);
        },
      });
      await p.run(async () => void order.push('first read'));
      await Promise.all([p.run(async () => void order.push('queued read')), (await settle(), write)]);
      await write;
      expect(order).toEqual(['first read', 'write', 'queued read']);
    });

    it('reads still go, after the writes, and keep their arrival order', async () => {
      const { p } = pacer(2, 100);
      const order: string[] = [];
      await Promise.all(['a', 'b', 'c', 'd'].map((n) => p.run(async () => void order.push(n))));
      expect(order).toEqual(['a', 'b', 'c', 'd']);
    });
  });

  it('refuses at once a call whose deadline falls before the next possible slot, without waiting its turn', async () => {
    // Sleeps that only end when the test says so: the clock stands still while calls queue.
    const clock = manualClock(0);
    const wakes: Array<() => void> = [];
    const p = createRequestPacer({ clock, perSecond: 1, perMinute: 100, maxWaitMs: 60_000, sleep: (ms) => new Promise<void>((r) => wakes.push(() => (clock.advance(ms), r()))) });
    await p.run(async () => undefined);
    let queuedRan = 0;
    const queued = Array.from({ length: 3 }, () => p.run(async () => void queuedRan++));
    expect(await p.run(async () => 'sent', { notAfter: 500 })).toBeUndefined();
    expect(clock()).toBe(0);
    expect(queuedRan).toBe(0);
    while (queuedRan < 3) {
      await settle();
      wakes.shift()?.();
    }
    await Promise.all(queued);
    expect(clock()).toBe(3000);
  });
});
