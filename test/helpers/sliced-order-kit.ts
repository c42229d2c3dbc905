import type { Broker, OrderReport } from '../../shared/broker/broker.port';
import { createOrderExecutor } from '../../shared/orders/execute/execute-plan';
import { lifecycleExits, lifecycleRecorder } from '../../shared/orders/lifecycle/lifecycle-recorder';
import type { OrderEventV1 } from '../../shared/orders/lifecycle/order-event';
import type { OrderRecord } from '../../shared/orders/lifecycle/order-record';
import { manualClock } from '../../shared/platform/clock';
import { silentLogger } from '../../shared/platform/logger';
import type { OrderRecordStore } from '../../shared/store/order-records.port';
import { testLifecycleDeps } from './lifecycle-deps';

/**
 * A sliced order of 3510 units (two slices of 1755) whose answer was lost, as the lifecycle sees it on
 * any order-record store: the rows the orderbook shows, the record the executor kept by the tag, and
 * a broker that only records the exits placed.
 */
export const SLICED_TICKER = 'NSE:NIFTY2672124400CE';

export const sliceRow = (orderId: string, filledQty: number): OrderReport => ({
  orderId, symbol: SLICED_TICKER, side: 'BUY', qty: 1755, productType: 'INTRADAY',
  state: filledQty === 1755 ? 'filled' : filledQty > 0 ? 'partially_filled' : 'working', filledQty, avgPrice: 150, orderTag: 'tvslice1',
});

/** The record the lost answer left: unknown, under the tag, with a stop 10 points away. */
export const lostSlicedOrder = { status: 'unknown' as const, orderTag: 'tvslice1', requestId: 'r1', symbol: SLICED_TICKER, side: 'BUY' as const, qty: 3510, productType: 'INTRADAY', orderType: 'MARKET', exits: { slPoints: 10, tickSize: 0.05 } };

export function slicedOrderKit(book: OrderReport[], records: OrderRecordStore<OrderRecord, OrderEventV1>) {
  const placed: Array<{ qty: number; side: string; orderTag?: string }> = [];
  let n = 0;
  const broker = {
    placeOrder: async (o: { qty: number; side: string; orderTag?: string }) => (placed.push(o), { status: 'placed', orderId: `X${++n}` }),
    cancelOrder: async () => ({ status: 'cancelled' }),
    modifyOrder: async () => ({ status: 'modified' }),
    findOrders: async (f: { id?: string; tag?: string }) => book.filter((r) => (f.id === undefined || r.orderId === f.id) && (f.tag === undefined || r.orderTag === f.tag)),
    tradebook: async () => [],
    getQuotes: async () => new Map(),
  } as unknown as Broker;
  const deps = testLifecycleDeps({ clock: manualClock(Date.UTC(2026, 6, 1, 4, 0)), records, broker, settings: { managedExits: () => true } });
  deps.recorder = lifecycleRecorder(deps);
  deps.executor = createOrderExecutor({ broker, logger: silentLogger, recorder: deps.recorder, exits: lifecycleExits(deps) });
  return { deps, records, placed };
}
