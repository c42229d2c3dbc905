import { manualClock } from '../../../shared/platform/clock';
import { createLogger } from '../../../shared/platform/logger';
import type { ControlsStore, RuntimeControls } from '../../../shared/store/controls.port';
import { liveControls } from '../../../shared/store/live-controls';

const ON: RuntimeControls = { tradingEnabled: true, reduceOnly: false };
const OFF: RuntimeControls = { tradingEnabled: false, reduceOnly: false };

function fakeStore(withWatch: boolean) {
  let stored = ON;
  let reads = 0;
  const listeners: Array<{ change: (c: RuntimeControls) => void; error: (e: unknown) => void }> = [];
  const store = {
    get: async () => (reads++, stored),
    ...(withWatch
      ? {
          watch(change: (c: RuntimeControls) => void, error: (e: unknown) => void) {
            const l = { change, error };
            listeners.push(l);
            queueMicrotask(() => change(stored));
            return () => void listeners.splice(listeners.indexOf(l), 1);
          },
        }
      : {}),
  } as unknown as ControlsStore;
  const set = (c: RuntimeControls) => {
    stored = c;
    for (const l of listeners) l.change(c);
  };
  return { store, set, listeners, reads: () => reads };
}

const logger = createLogger({ level: 'ERROR', sink: () => undefined });
const tick = () => new Promise((r) => setImmediate(r));

describe('live controls', () => {
  it('answers from the listener: a change elsewhere is seen at once, both ways, with no store read per alert', async () => {
    const clock = manualClock(0);
    const s = fakeStore(true);
    const c = liveControls(s.store, { clock, logger, cacheMs: 60_000 });
    c.start();
    await tick();
    expect(c.listening()).toBe(true);
    s.set(OFF);
    expect(await c()).toEqual(OFF);
    s.set(ON);
    expect(await c()).toEqual(ON);
    // The only reads are the background check, at most once per cacheMs (and after a push).
    const before = s.reads();
    for (let i = 0; i < 50; i++) expect(await c()).toEqual(ON);
    expect(s.reads() - before).toBeLessThanOrEqual(1);
    c.close();
    expect(s.listeners).toHaveLength(0);
  });

  it('a stream that went quiet without an error cannot keep trading on: the background read says off, and off wins', async () => {
    const clock = manualClock(0);
    const s = fakeStore(true);
    const c = liveControls(s.store, { clock, logger, cacheMs: 5_000 });
    c.start();
    await tick();
    expect(await c()).toEqual(ON);
    // The SDK is reopening the stream silently: the store says off, the listener never hears it.
    s.listeners.length = 0;
    s.set(OFF);
    clock.advance(5_001);
    await c();
    await tick();
    expect(await c()).toEqual(OFF);
    c.close();
  });

  it('falls back to the cache when the stream breaks, and listens again', async () => {
    const clock = manualClock(0);
    const s = fakeStore(true);
    const c = liveControls(s.store, { clock, logger, cacheMs: 5_000, resubscribeMs: 1 });
    c.start();
    await tick();
    const broken = s.listeners.shift()!;
    broken.error(new Error('stream reset'));
    broken.change(ON); // a late word from the dead stream changes nothing
    expect(c.listening()).toBe(false);
    s.set(OFF);
    expect(await c()).toEqual(OFF); // read through the cache
    expect(s.reads()).toBe(1);
    await new Promise((r) => setTimeout(r, 10));
    await tick();
    expect(c.listening()).toBe(true);
    c.close();
  });

  it('without a listener, reads through the TTL cache; a change made here is answered at once', async () => {
    const clock = manualClock(0);
    const s = fakeStore(false);
    const c = liveControls(s.store, { clock, logger, cacheMs: 5_000 });
    expect(await c()).toEqual(ON);
    s.set(OFF);
    expect(await c()).toEqual(ON); // cached
    clock.advance(5_000);
    expect(await c()).toEqual(OFF);
    s.set(ON);
    c.changed(ON);
    expect(await c()).toEqual(ON);
  });
});
