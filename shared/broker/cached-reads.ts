import type { Clock } from '../platform/clock';
import type { Broker, BrokerSession, Funds, OrderReport, Position } from './broker.port';

/**
 * Reads a page or a probe may repeat at will. Every Fyers call counts against the app's 10/s and
 * 200/min, whoever makes it, so an operator reloading the console or an uptime check polling readyz
 * must not spend that budget once per reload: answers are reused for a few seconds, and callers that
 * ask while a read is in flight share it (single flight). Order paths never read through this: they
 * need the broker's answer of now.
 */
export type BrokerReads = Pick<Broker, 'checkSession' | 'getPositions' | 'getFunds' | 'findOrders'>;

/** How long each answer is reused, in ms. */
export interface ReadTtls {
  session: number;
  positions: number;
  funds: number;
  orders: number;
}

export interface CachedReadOptions {
  clock: Clock;
  ttlMs: number;
}

/** A cached load: `get(key)` shares one in-flight call per key and reuses its answer for ttlMs after it arrived. */
export interface CachedRead<K, T> {
  get(key: K): Promise<T>;
  /** Forgets every answer; calls in flight still finish but are not kept. */
  invalidate(): void;
}

/**
 * Single flight plus a short reuse. Failures are shared by the callers already waiting but never kept,
 * so the next caller tries again. An answer that arrives after its caller gave up (a page part timed
 * out) is still kept: the call was paid for, and the next reload gets it.
 */
export function cachedRead<K, T>(load: (key: K) => Promise<T>, opts: CachedReadOptions): CachedRead<K, T> {
  const entries = new Map<K, { value?: T; at?: number; pending?: Promise<T> }>();
  let generation = 0;
  return {
    get(key) {
      const now = opts.clock();
      const e = entries.get(key);
      if (e?.at !== undefined && now - e.at < opts.ttlMs) return Promise.resolve(e.value as T);
      if (e?.pending) return e.pending;
      const started = generation;
      const pending = load(key).then(
        (value) => {
          // Invalidated while in flight: the answer may predate the write that invalidated it.
          if (started === generation) entries.set(key, { value, at: opts.clock() });
          return value;
        },
        (error: unknown) => {
          if (started === generation) entries.delete(key);
          throw error;
        },
      );
      entries.set(key, { ...e, at: undefined, pending });
      return pending;
    },
    invalidate() {
      generation++;
      entries.clear();
    },
  };
}

export interface BrokerReadCache extends BrokerReads {
  /** Forgets every cached answer (after a write, or when the session changed). */
  invalidate(): void;
}

/**
 * The four repeatable reads of `broker`, cached. Each read calls the broker's own method only when
 * asked, so a caller holding part of a broker (the console's `getPositions`) can still use it.
 */
export function createBrokerReadCache(broker: Partial<BrokerReads>, opts: { clock: Clock; ttlMs: ReadTtls }): BrokerReadCache {
  const missing = (name: string) => () => Promise.reject(new Error(`this broker cannot ${name}`));
  const session = cachedRead((_: 'session') => (broker.checkSession ?? missing('checkSession'))(), { clock: opts.clock, ttlMs: opts.ttlMs.session });
  const positions = cachedRead((_: 'positions') => (broker.getPositions ?? missing('getPositions'))(), { clock: opts.clock, ttlMs: opts.ttlMs.positions });
  const funds = cachedRead((_: 'funds') => (broker.getFunds ?? missing('getFunds'))(), { clock: opts.clock, ttlMs: opts.ttlMs.funds });
  const orders = cachedRead((key: string) => (broker.findOrders ?? missing('findOrders'))(JSON.parse(key) as { tag?: string; id?: string }), { clock: opts.clock, ttlMs: opts.ttlMs.orders });
  return {
    checkSession: (): Promise<BrokerSession> => session.get('session'),
    getPositions: (): Promise<Position[]> => positions.get('positions'),
    getFunds: (): Promise<Funds> => funds.get('funds'),
    findOrders: (q): Promise<OrderReport[]> => orders.get(JSON.stringify({ tag: q.tag, id: q.id })),
    invalidate() {
      for (const c of [session, positions, funds, orders]) c.invalidate();
    },
  };
}

/** Each broker object's read cache in this instance (see readCacheFor). */
const perBroker = new WeakMap<object, BrokerReadCache>();

/**
 * `inner` with its repeatable reads cached; everything else goes straight through. A write forgets
 * positions, funds and orders once it is answered, so a page never shows the book from before it.
 */
export function withCachedReads(inner: Broker, opts: { clock: Clock; ttlMs: ReadTtls }): Broker {
  const reads = createBrokerReadCache(inner, opts);
  const afterWrite = <T>(p: Promise<T>): Promise<T> => p.finally(() => reads.invalidate());
  const cached: Broker = {
    name: inner.name,
    quoteBatchLimit: inner.quoteBatchLimit,
    assertAvailable: () => inner.assertAvailable?.(),
    prepare: () => inner.prepare?.(),
    getQuotes: (t) => inner.getQuotes(t),
    tradebook: () => inner.tradebook(),
    checkSession: reads.checkSession,
    getPositions: reads.getPositions,
    getFunds: reads.getFunds,
    findOrders: reads.findOrders,
    placeOrder: (o, options) => afterWrite(inner.placeOrder(o, options)),
    placeBasket: (orders, options) => afterWrite(inner.placeBasket(orders, options)),
    modifyOrder: (id, change) => afterWrite(inner.modifyOrder(id, change)),
    cancelOrder: (id) => afterWrite(inner.cancelOrder(id)),
  };
  // A handler asking readCacheFor(cached) gets this same cache, not a second one stacked on it.
  perBroker.set(cached, reads);
  return cached;
}

/**
 * Short reuse for what the operator's pages and readiness show (readyz's share is 4/min; the console
 * reuses its own reads longer, functions/wiring/pages.wiring.ts), so reloads inside these windows cost
 * nothing. A session that dies shows within `session` ms.
 */
export const PAGE_READ_TTLS: ReadTtls = { session: 15_000, positions: 10_000, funds: 10_000, orders: 10_000 };

/**
 * The one read cache of this broker object in this instance, made on first use. readyz and the console
 * receive the same broker, so a console page's readiness check and its positions share one cache.
 * (Until composition hands the pages a cached broker, this is how the handlers get one.)
 */
export function readCacheFor(broker: Partial<BrokerReads>, opts: { clock: Clock; ttlMs?: ReadTtls }): BrokerReadCache {
  let cache = perBroker.get(broker);
  if (!cache) {
    cache = createBrokerReadCache(broker, { clock: opts.clock, ttlMs: opts.ttlMs ?? PAGE_READ_TTLS });
    perBroker.set(broker, cache);
  }
  return cache;
}
