import { manualClock } from '../../../shared/platform/clock';
import { createRequestPacer } from '../../../shared/broker/fyers/request-pacer';

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
    await new Promise((r) => setTimeout(r, 20));
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
});
