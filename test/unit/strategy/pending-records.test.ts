/**
 * A pending order the orderbook (a day book) no longer lists is booked by the bridge's records of its
 * day under its tag: every slice of a sliced order whose answer was lost, and an order a takeover
 * resumed, whoever wrote their records.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Broker, OrderReport } from '../../../shared/broker/broker.port';
import { createOrderExecutor } from '../../../shared/orders/execute/execute-plan';
import { lifecycleExits, lifecycleRecorder } from '../../../shared/orders/lifecycle/lifecycle-recorder';
import type { OrderEventV1 } from '../../../shared/orders/lifecycle/order-event';
import type { OrderRecord } from '../../../shared/orders/lifecycle/order-record';
import { reconcileOrders } from '../../../shared/orders/lifecycle/reconcile-orders';
import { manualClock } from '../../../shared/platform/clock';
import { silentLogger } from '../../../shared/platform/logger';
import { createLocalOrderRecordStore } from '../../../shared/store/local/order-records.local';
import { createLocalHoldingsStore } from '../../../shared/store/local/holdings.local';
import { bookExecution, type PlanBuilder } from '../../../shared/strategy/close-plan';
import { settlePending } from '../../../shared/strategy/settle-pending';
import { testLifecycleDeps } from '../../helpers/lifecycle-deps';

const TICKER = 'NSE:NIFTY2672124400CE';
const T0 = Date.UTC(2026, 6, 1, 4, 0);
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pending-records-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function kit(initial: OrderReport[], place?: (set: (b: OrderReport[]) => void) => unknown) {
  let book = initial;
  const broker = {
    placeOrder: async () => (place ? place((b) => (book = b)) : { status: 'unknown', reason: 'x' }),
    cancelOrder: async () => ({ status: 'cancelled' }),
    modifyOrder: async () => ({ status: 'modified' }),
    findOrders: async (f: { id?: string }) => book.filter((r) => f.id === undefined || r.orderId === f.id),
    tradebook: async () => [],
    getQuotes: async () => new Map(),
    getPositions: async () => [],
  } as unknown as Broker;
  const records = createLocalOrderRecordStore<OrderRecord, OrderEventV1>(join(dir, 'rec'));
  const holdings = createLocalHoldingsStore(join(dir, 'hold'));
  const deps = testLifecycleDeps({ clock: manualClock(T0), records, broker, settings: { managedExits: () => true } });
  deps.recorder = lifecycleRecorder(deps);
  const executor = createOrderExecutor({ broker, logger: silentLogger, recorder: deps.recorder, exits: lifecycleExits(deps) });
  deps.executor = executor;
  const settleDeps = { broker, executor, holdings, logger: silentLogger, orderRecords: records };
  return { deps, records, holdings, executor, settleDeps, setBook: (b: OrderReport[]) => (book = b) };
}
const meta = new Map([[0, { strategy: 'trend', underlying: 'NIFTY', optionType: 'CE' as const, lotSize: 65 }]]);

it('a sliced MARGIN entry whose answer was lost is booked in full the next day', async () => {
  const TAG = 'tvpr0000000000000000open0';
  const row = (orderId: string, filledQty: number): OrderReport => ({ orderId, symbol: TICKER, side: 'BUY', qty: 1755, productType: 'MARGIN', state: filledQty === 1755 ? 'filled' : 'working', filledQty, avgPrice: 150, orderTag: TAG });
  const k = kit([], (set) => (set([row('A1', 0), row('A2', 0)]), { status: 'unknown', reason: 'socket reset' }));
  const b: PlanBuilder = { plan: [{ n: 0, intent: 'open', lots: 54, lotSize: 65, freezeQty: 1755, order: { symbol: TICKER, qty: 3510, side: 'BUY', orderType: 'MARKET', productType: 'MARGIN', orderTag: TAG } }], meta };
  const ex = await k.executor.run({ requestId: 'r1', strategy: 'trend', orders: b.plan, confirm: true });
  await bookExecution(k.holdings, b, ex, 'k1', T0);
  const h0 = (await k.holdings.get('trend', 'NIFTY'))!;
  expect(h0.pending).toHaveLength(1);
  k.setBook([row('A1', 1755), row('A2', 1755)]);
  await reconcileOrders(k.deps);
  k.setBook([]); // the day rolls
  const settled = await settlePending(k.settleDeps, [h0], T0 + 86_400_000);
  expect(settled.books[0]!.legs).toEqual([expect.objectContaining({ ticker: TICKER, side: 'BUY', qty: 3510 })]);
});

it('an order a takeover resumed while it rested is booked the next day from its record', async () => {
  const TAG = 'tvpr1111111111111111open0';
  const row = (filledQty: number): OrderReport => ({ orderId: 'B1', symbol: TICKER, side: 'BUY', qty: 65, productType: 'MARGIN', state: filledQty === 65 ? 'filled' : 'working', filledQty, avgPrice: 150, orderTag: TAG });
  const k = kit([row(0)], () => {
    throw new Error('a takeover must not send');
  });
  const b: PlanBuilder = { plan: [{ n: 0, intent: 'open', lots: 1, lotSize: 65, order: { symbol: TICKER, qty: 65, side: 'BUY', orderType: 'MARKET', productType: 'MARGIN', orderTag: TAG } }], meta };
  const ex = (await k.executor.resume({ requestId: 'r1', strategy: 'trend', orders: b.plan, confirm: true }))!;
  await bookExecution(k.holdings, b, ex, 'k1', T0);
  const h0 = (await k.holdings.get('trend', 'NIFTY'))!;
  expect(h0.pending).toHaveLength(1);
  k.setBook([row(65)]);
  await reconcileOrders(k.deps);
  k.setBook([]);
  const settled = await settlePending(k.settleDeps, [h0], T0 + 86_400_000);
  expect(settled.books[0]!.legs).toEqual([expect.objectContaining({ ticker: TICKER, side: 'BUY', qty: 65 })]);
});
