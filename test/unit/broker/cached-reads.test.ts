import type { Broker } from '../../../shared/broker/broker.port';
import { cachedRead, createBrokerReadCache, readCacheFor, withCachedReads, type ReadTtls } from '../../../shared/broker/cached-reads';
import { manualClock } from '../../../shared/platform/clock';

const TTLS: ReadTtls = { session: 15_000, positions: 5_000, funds: 5_000, orders: 5_000 };

/** A promise the test settles by hand, to hold a read in flight. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

function countingBroker() {
  const calls: string[] = [];
  const broker: Broker = {
    name: 'fyers',
    getQuotes: async () => (calls.push('quotes'), new Map()),
    getPositions: async () => (calls.push('positions'), [{ symbol: 'S', netQty: calls.length, productType: 'INTRADAY' }]),
    getFunds: async () => (calls.push('funds'), { available: calls.length }),
    checkSession: async () => (calls.push('session'), { valid: true }),
    findOrders: async (q) => (calls.push(`orders:${q.tag ?? ''}`), []),
    tradebook: async () => (calls.push('tradebook'), []),
    placeOrder: async () => (calls.push('place'), { status: 'placed', orderId: '1' }),
    placeBasket: async () => (calls.push('basket'), []),
    modifyOrder: async () => (calls.push('modify'), { status: 'modified' }),
    cancelOrder: async () => (calls.push('cancel'), { status: 'cancelled' }),
  };
  return { broker, calls };
}

describe('cachedRead', () => {
  it('shares one in-flight call among concurrent callers (single flight)', async () => {
    const clock = manualClock(0);
    const d = deferred<number>();
    let loads = 0;
    const c = cachedRead(() => (loads++, d.promise), { clock, ttlMs: 1000 });
    const both = Promise.all([c.get('k'), c.get('k'), c.get('k')]);
    d.resolve(7);
    expect(await both).toEqual([7, 7, 7]);
    expect(loads).toBe(1);
  });

  it('reuses an answer until its ttl has passed since it arrived, then reads again', async () => {
    const clock = manualClock(0);
    let loads = 0;
    const c = cachedRead(async () => ++loads, { clock, ttlMs: 1000 });
    expect(await c.get('k')).toBe(1);
    clock.advance(999);
    expect(await c.get('k')).toBe(1);
    clock.advance(1);
    expect(await c.get('k')).toBe(2);
  });

  it('keeps answers per key', async () => {
    const clock = manualClock(0);
    const c = cachedRead(async (k: string) => `${k}!`, { clock, ttlMs: 1000 });
    expect(await Promise.all([c.get('a'), c.get('b')])).toEqual(['a!', 'b!']);
  });

  it('shares a failure with the callers waiting on it but does not keep it', async () => {
    const clock = manualClock(0);
    let loads = 0;
    const c = cachedRead(async () => {
      if (++loads === 1) throw new Error('down');
      return 'up';
    }, { clock, ttlMs: 1000 });
    await expect(Promise.all([c.get('k'), c.get('k')])).rejects.toThrow('down');
    expect(loads).toBe(1);
    expect(await c.get('k')).toBe('up');
  });

  it('does not keep an answer that was in flight when the cache was invalidated', async () => {
    const clock = manualClock(0);
    const first = deferred<string>();
    let loads = 0;
    const c = cachedRead(() => (++loads === 1 ? first.promise : Promise.resolve('after')), { clock, ttlMs: 1000 });
    const stale = c.get('k');
    c.invalidate();
    first.resolve('before');
    expect(await stale).toBe('before');
    expect(await c.get('k')).toBe('after');
  });
});

describe('broker read cache', () => {
  it('turns a page reload storm into one call per read per ttl', async () => {
    const clock = manualClock(0);
    const { broker, calls } = countingBroker();
    const reads = createBrokerReadCache(broker, { clock, ttlMs: TTLS });
    for (let i = 0; i < 20; i++) {
      await Promise.all([reads.checkSession(), reads.getPositions(), reads.getFunds(), reads.findOrders({})]);
      clock.advance(200);
    }
    expect(calls.sort()).toEqual(['funds', 'orders:', 'positions', 'session']);
  });

  it('calls only the methods a partial broker has, when asked', async () => {
    const clock = manualClock(0);
    const reads = createBrokerReadCache({ getPositions: async () => [] }, { clock, ttlMs: TTLS });
    await expect(reads.getPositions()).resolves.toEqual([]);
    await expect(reads.getFunds()).rejects.toThrow('cannot getFunds');
  });

  it('keys orderbook reads by their query', async () => {
    const clock = manualClock(0);
    const { broker, calls } = countingBroker();
    const reads = createBrokerReadCache(broker, { clock, ttlMs: TTLS });
    await Promise.all([reads.findOrders({ tag: 'a' }), reads.findOrders({ tag: 'b' }), reads.findOrders({ tag: 'a' })]);
    expect(calls.sort()).toEqual(['orders:a', 'orders:b']);
  });
});

describe('withCachedReads', () => {
  it('caches reads, passes writes and quotes through, and forgets the book after a write', async () => {
    const clock = manualClock(0);
    const { broker, calls } = countingBroker();
    const cached = withCachedReads(broker, { clock, ttlMs: TTLS });
    await cached.getPositions();
    await cached.getPositions();
    await cached.getQuotes(['X']);
    await cached.getQuotes(['X']);
    await cached.cancelOrder('1');
    await cached.getPositions();
    expect(calls).toEqual(['positions', 'quotes', 'quotes', 'cancel', 'positions']);
  });

  it('is the cache readCacheFor hands out for it, so handlers never stack a second one', async () => {
    const clock = manualClock(0);
    const { broker, calls } = countingBroker();
    const cached = withCachedReads(broker, { clock, ttlMs: TTLS });
    await cached.checkSession();
    await readCacheFor(cached, { clock }).checkSession();
    expect(calls).toEqual(['session']);
  });
});

describe('readCacheFor', () => {
  it('gives every handler of an instance the same cache for the same broker', async () => {
    const clock = manualClock(0);
    const { broker, calls } = countingBroker();
    await readCacheFor(broker, { clock }).checkSession();
    await readCacheFor(broker, { clock }).checkSession();
    expect(calls).toEqual(['session']);
    const other = countingBroker();
    await readCacheFor(other.broker, { clock }).checkSession();
    expect(other.calls).toEqual(['session']);
  });
});
