import type { Broker, OrderReport, OrderRequest, PlaceOptions, PlaceOutcome, Position } from '../../../shared/broker/broker.port';
import type { Notification } from '../../../shared/notify/notifier.port';
import type { OrderResult } from '../../../shared/orders/order-result';
import type { PlaceOrderDeps } from '../../../shared/orders/place-order.deps';
import { createOrderExecutor } from '../../../shared/orders/execute/execute-plan';
import { createRecentKeys } from '../../../shared/orders/recent-keys';
import { manualClock } from '../../../shared/platform/clock';
import { createLogger } from '../../../shared/platform/logger';
import { istInstant } from '../../../shared/platform/ist';
import type { RuntimeControls } from '../../../shared/store/controls.port';
import { decideClaim, decideComplete, decideRelease } from '../../../shared/store/idempotency-rules';
import type { IdempotencyRecord, IdempotencyStore } from '../../../shared/store/idempotency.port';
import type { LeaseStore } from '../../../shared/store/lease.port';
import { alertKey } from '../../../shared/alert/idempotency-key';
import type { SymbolIndex } from '../../../shared/symbols/instrument';
import { sampleIndex } from '../../helpers/symbol-fixtures';

export const SECRET = 'unit-secret-123';
const MORNING = istInstant('2026-12-01', 10, 0);
let cachedIndex: SymbolIndex | undefined;

/** The store key an explicit idempotency_key becomes. */
export const keyOf = (idempotencyKey: string) => alertKey({}, idempotencyKey).key;
export const SPOT = 'NSE:NIFTY50-INDEX';

/** A promise the test settles when it chooses. */
export function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

export type Call = { op: 'quote'; tickers: string[] } | { op: 'place'; order: OrderRequest; opts?: PlaceOptions } | { op: 'positions' } | { op: 'orders'; tag?: string } | { op: 'claim' } | { op: 'funds' };

/**
 * The use case's ports in memory: a scripted broker that logs every call in order (claims included),
 * an idempotency store on the shared claim rules, leases, controls and a manual clock on a trading morning.
 */
export function useCaseKit(over: { controls?: Partial<RuntimeControls> } = {}) {
  const clock = manualClock(MORNING);
  const calls: Call[] = [];
  const notes: Notification[] = [];
  const records = new Map<string, IdempotencyRecord<OrderResult>>();
  const leases = new Map<string, { owner: string; until: number }>();
  const index = (cachedIndex ??= sampleIndex(MORNING));
  const script = {
    ltp: new Map<string, number>([[SPOT, 24_510]]),
    /** When set, quotes wait for it (to prove what does not wait for a quote). */
    quoteGate: undefined as Promise<void> | undefined,
    quoteError: undefined as Error | undefined,
    /** Answers to successive sends; a function sees the order (e.g. to put it in the orderbook). */
    place: [] as Array<PlaceOutcome | Error | ((o: OrderRequest) => PlaceOutcome)>,
    orders: [] as OrderReport[],
    positions: [] as Position[],
    funds: 500_000,
    ordersError: undefined as Error | undefined,
    /** When set, the claim waits for it (to prove what runs beside the claim). */
    claimGate: undefined as Promise<void> | undefined,
  };
  /** How many calls had been logged each time the broker was told to get ready (Broker.prepare). */
  const prepares: number[] = [];
  const broker: Broker = {
    name: 'fyers',
    prepare: () => void prepares.push(calls.length),
    async getQuotes(tickers) {
      calls.push({ op: 'quote', tickers });
      if (script.quoteGate) await script.quoteGate;
      if (script.quoteError) throw script.quoteError;
      const ltp = (t: string) => script.ltp.get(t) ?? (index.byTicker(t) ? 120 : undefined);
      return new Map(tickers.flatMap((t) => (ltp(t) !== undefined ? [[t, ltp(t)!] as [string, number]] : [])));
    },
    async getPositions() {
      calls.push({ op: 'positions' });
      return script.positions;
    },
    async placeOrder(order, opts) {
      calls.push({ op: 'place', order, opts });
      const next = script.place.shift() ?? { status: 'placed', orderId: `ORD${calls.length}` };
      if (next instanceof Error) throw next;
      return typeof next === 'function' ? next(order) : next;
    },
    async findOrders(q) {
      calls.push({ op: 'orders', tag: q.tag });
      if (script.ordersError) throw script.ordersError;
      return script.orders.filter((o) => q.tag === undefined || o.orderTag === q.tag);
    },
    checkSession: async () => ({ valid: true }),
    placeBasket: async () => [],
    cancelOrder: async () => ({ status: 'not-open', reason: 'scripted' }),
    modifyOrder: async () => ({ status: 'refused', reason: 'scripted' }),
    tradebook: async () => [],
    getFunds: async () => {
      calls.push({ op: 'funds' });
      return { available: script.funds };
    },
  };
  const idempotency: IdempotencyStore<OrderResult> = {
    async claim(input) {
      calls.push({ op: 'claim' });
      if (script.claimGate) await script.claimGate;
      const d = decideClaim(records.get(input.key), input);
      if (d.write) records.set(input.key, d.write);
      return d.result;
    },
    async complete(key, owner, result, nowMs) {
      const next = decideComplete(records.get(key), owner, result, nowMs);
      if (next) records.set(key, next);
      return Boolean(next);
    },
    async release(key, owner) {
      const d = decideRelease(records.get(key), owner);
      if (d.kind === 'delete') records.delete(key);
      if (d.kind === 'write') records.set(key, d.record);
    },
    get: async (key) => records.get(key),
  };
  const leaseStore: LeaseStore = {
    // The port's contract: free or lapsed → taken; held by the same owner → renewed; else refused.
    async tryAcquire(name, owner, ttlMs, nowMs) {
      const held = leases.get(name);
      if (held && held.until > nowMs && held.owner !== owner) return false;
      leases.set(name, { owner, until: nowMs + ttlMs });
      return true;
    },
    release: async (name, owner) => void (leases.get(name)?.owner === owner && leases.delete(name)),
  };
  const controls: RuntimeControls = { tradingEnabled: true, reduceOnly: false, ...over.controls };
  const cap = { used: 0, released: 0 };
  const deps: PlaceOrderDeps = {
    clock,
    logger: createLogger({ level: 'ERROR', sink: () => undefined }),
    broker,
    executor: createOrderExecutor({ broker, logger: createLogger({ level: 'ERROR', sink: () => undefined }) }),
    idempotency,
    controls: async () => controls,
    reserveDailyOrder: async (_day, limit) => (cap.used < limit ? (cap.used++, true) : false),
    releaseDailyOrder: async () => void (cap.used--, cap.released++),
    symbols: async () => index,
    leases: leaseStore,
    secrets: { get: async () => SECRET },
    notifier: { notify: async (n) => void notes.push(n) },
    recentKeys: createRecentKeys({ clock, ttlMs: 60_000, max: 100 }),
    settings: {
      maxLots: 10,
      tradingWindow: { holidays: [] },
      enforceTradingWindow: true,
      coverOnlyBuy: false,
      freezeQtyOverrides: {},
      protection: 'legs',
      limitPriceBandPercent: 20,
      dedupWindowMs: 60_000,
      idempotencyTtlMs: 86_400_000,
      idempotencyLeaseMs: 30_000,
      instanceId: 'unit',
      responseBudgetMs: 2500,
      sendMarginMs: 3000,
      reduceOnlySettleMs: 4000,
    },
  };
  let seq = 0;
  const request = (body: Record<string, unknown>, extra: { headerKey?: string } = {}) => ({ body, requestId: `req${++seq}`, receivedAt: clock(), ...extra });
  const brokerCalls = () => calls.filter((c) => c.op !== 'claim');
  const places = () => calls.filter((c): c is Extract<Call, { op: 'place' }> => c.op === 'place');
  return { clock, calls, prepares, brokerCalls, places, notes, records, deps, script, controls, cap, index, request, leases };
}

/** A valid alert for a listed strike (24500 is the sample master's ATM). */
export const alertBody = (over: Record<string, unknown> = {}) => ({
  token: SECRET, symbol: 'NIFTY', action: 'BUY', optionType: 'CE', strikeprice: 24500, qty: 1, idempotency_key: 'key-1', ...over,
});
