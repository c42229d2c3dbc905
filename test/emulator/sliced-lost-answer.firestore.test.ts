/**
 * Slices of a sliced order whose answer was lost, on the real Firestore emulator: reports racing on
 * the tag record still give every slice one record of its own, and one stop.
 */
import type { Broker, OrderReport } from '../../shared/broker/broker.port';
import { createOrderExecutor } from '../../shared/orders/execute/execute-plan';
import { lifecycleExits, lifecycleRecorder } from '../../shared/orders/lifecycle/lifecycle-recorder';
import type { OrderEventV1 } from '../../shared/orders/lifecycle/order-event';
import type { OrderRecord } from '../../shared/orders/lifecycle/order-record';
import { applyBrokerReport, applyPostback, recordAccepted } from '../../shared/orders/lifecycle/order-tracker';
import { manualClock } from '../../shared/platform/clock';
import { silentLogger } from '../../shared/platform/logger';
import { createFirestoreOrderRecordStore } from '../../shared/store/firestore/order-records.firestore';
import { testLifecycleDeps } from '../helpers/lifecycle-deps';
import { emulatorFirestore, uniquePrefix } from './helpers/emulator-env';

jest.setTimeout(60_000);
const TICKER = 'NSE:NIFTY2672124400CE';
const db = emulatorFirestore();
afterAll(() => db.terminate());

const row = (orderId: string, filledQty: number): OrderReport => ({ orderId, symbol: TICKER, side: 'BUY', qty: 1755, productType: 'INTRADAY', state: filledQty === 1755 ? 'filled' : filledQty > 0 ? 'partially_filled' : 'working', filledQty, avgPrice: 150, orderTag: 'tvslice1' });

function kit(book: OrderReport[]) {
  const placed: Array<{ qty: number; side: string }> = [];
  let n = 0;
  const broker = {
    placeOrder: async (o: { qty: number; side: string }) => (placed.push(o), { status: 'placed', orderId: `X${++n}` }),
    cancelOrder: async () => ({ status: 'cancelled' }),
    modifyOrder: async () => ({ status: 'modified' }),
    findOrders: async (f: { id?: string; tag?: string }) => book.filter((r) => (f.id === undefined || r.orderId === f.id) && (f.tag === undefined || r.orderTag === f.tag)),
    tradebook: async () => [],
    getQuotes: async () => new Map(),
  } as unknown as Broker;
  const records = createFirestoreOrderRecordStore<OrderRecord, OrderEventV1>(db, { prefix: uniquePrefix('slices') });
  const deps = testLifecycleDeps({ clock: manualClock(Date.UTC(2026, 6, 1, 4, 0)), records, broker, settings: { managedExits: () => true } });
  deps.recorder = lifecycleRecorder(deps);
  deps.executor = createOrderExecutor({ broker, logger: silentLogger, recorder: deps.recorder, exits: lifecycleExits(deps) });
  return { deps, records, placed };
}
const lost = { status: 'unknown' as const, orderTag: 'tvslice1', requestId: 'r1', symbol: TICKER, side: 'BUY' as const, qty: 3510, productType: 'INTRADAY', orderType: 'MARKET', exits: { slPoints: 10, tickSize: 0.05 } };

it('two slices reported at once to a tag record that follows neither: both are recorded', async () => {
  const k = kit([row('A1', 1755), row('A2', 1755)]);
  await recordAccepted(k.deps, lost, { publishNow: false });
  await Promise.all([applyBrokerReport(k.deps, row('A1', 1755)), applyBrokerReport(k.deps, row('A2', 1755))]);
  const recs = [await k.records.get('tag-tvslice1'), await k.records.get('A1'), await k.records.get('A2')].filter(Boolean) as OrderRecord[];
  expect(recs.reduce((s, r) => s + r.filledQty, 0)).toBe(3510);
});

it('the same further slice reported three times at once: one record, one stop', async () => {
  const k = kit([row('A1', 1755), row('A2', 1755)]);
  await recordAccepted(k.deps, lost, { publishNow: false });
  await applyBrokerReport(k.deps, row('A1', 1755));
  await Promise.all([applyPostback(k.deps, row('A2', 1755)), applyBrokerReport(k.deps, row('A2', 1755)), applyPostback(k.deps, row('A2', 1755))]);
  expect(await k.records.get('A2')).toMatchObject({ filledQty: 1755, state: 'filled', version: 2 });
  expect(k.placed.map((p) => p.qty)).toEqual([1755, 1755]);
});
