import { manualClock } from '../../../shared/platform/clock';
import { ttlCache } from '../../../shared/platform/ttl-cache';

/** A loader whose answers the test releases one by one; `calls` counts the loads started. */
function gatedLoader() {
  const pending: Array<{ resolve: (v: string) => void; reject: (e: unknown) => void }> = [];
  const loader = {
    calls: 0,
    load: () =>
      new Promise<string>((resolve, reject) => {
        loader.calls += 1;
        pending.push({ resolve, reject });
      }),
    answer: (v: string) => pending.shift()!.resolve(v),
    fail: () => pending.shift()!.reject(new Error('store unavailable')),
  };
  return loader;
}

const settled = () => new Promise((r) => setImmediate(r));

/** Whether `p` has settled by the time pending callbacks ran. */
async function isSettled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await settled();
  return done;
}

/** A cache (TTL 1 s) holding 'v1', loaded at time 0 through a gated loader. */
async function primed(staleMs?: number, staleWaitMs?: number) {
  const clock = manualClock(0);
  const l = gatedLoader();
  const get = ttlCache(l.load, 1_000, clock, staleMs, staleWaitMs);
  const first = get();
  l.answer('v1');
  expect(await first).toBe('v1');
  return { clock, l, get };
}

describe('ttlCache', () => {
  it('without a stale window, a caller after the TTL waits for the new load', async () => {
    const { clock, l, get } = await primed();
    clock.advance(1_000);
    const second = get();
    expect(await isSettled(second)).toBe(false);
    l.answer('v2');
    expect(await second).toBe('v2');
  });

  it('within the stale window, answers the caller that starts the reload at once, and the callers during it with what it loads', async () => {
    const { clock, l, get } = await primed(5_000);
    clock.advance(3_000);
    expect(await get()).toBe('v1'); // the reload is still pending
    const during = get();
    expect(await isSettled(during)).toBe(false); // not the remembered value again: it may be out of date
    expect(l.calls).toBe(2); // one reload, shared
    l.answer('v2');
    expect(await during).toBe('v2');
    expect(await get()).toBe('v2');
    expect(l.calls).toBe(2); // fresh again
  });

  it('callers waiting on a reload that fails are answered with the remembered value', async () => {
    const { clock, l, get } = await primed(5_000);
    clock.advance(2_000);
    expect(await get()).toBe('v1');
    const during = get();
    l.fail();
    expect(await during).toBe('v1');
  });

  it('callers waiting on a reload that hangs are answered with the remembered value after staleWaitMs', async () => {
    const { clock, l, get } = await primed(5_000, 5);
    clock.advance(2_000);
    expect(await get()).toBe('v1'); // starts the reload, which never answers
    expect(await get()).toBe('v1'); // waited staleWaitMs (real time) for it, then fell back
    expect(l.calls).toBe(2);
  });

  it('a failed background refresh keeps the value, and the next caller tries again', async () => {
    const { clock, l, get } = await primed(5_000);
    clock.advance(2_000);
    expect(await get()).toBe('v1');
    l.fail();
    await settled();
    expect(await get()).toBe('v1');
    expect(l.calls).toBe(3);
  });

  it('past the stale window, a caller waits for the load again', async () => {
    const { clock, l, get } = await primed(5_000);
    clock.advance(6_000);
    const late = get();
    expect(await isSettled(late)).toBe(false);
    l.answer('v2');
    expect(await late).toBe('v2');
  });

  it('fresh() answers only a value within the TTL: in the stale window it waits for the load', async () => {
    const { clock, l, get } = await primed(5_000);
    expect(await get.fresh()).toBe('v1'); // within the TTL: remembered
    clock.advance(2_000);
    const fresh = get.fresh();
    expect(await isSettled(fresh)).toBe(false);
    const plain = get(); // a plain get during that load waits for it too, sharing the one load
    expect(await isSettled(plain)).toBe(false);
    expect(l.calls).toBe(2);
    l.answer('v2');
    expect(await fresh).toBe('v2');
    expect(await plain).toBe('v2');
  });

  it('invalidate() forgets a load still running: what it brings back is not remembered', async () => {
    const { clock, l, get } = await primed();
    clock.advance(1_000);
    const before = get(); // a load started before the change
    get.invalidate(); // e.g. a login just stored a new session
    const after = get();
    expect(l.calls).toBe(3); // a new load, not the one from before
    l.answer('old');
    l.answer('new');
    expect(await before).toBe('old'); // its own caller still gets its answer
    expect(await after).toBe('new');
    expect(await get()).toBe('new'); // and what is remembered is the later load's
    expect(l.calls).toBe(3);
  });
});
