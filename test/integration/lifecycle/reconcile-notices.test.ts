import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Broker, OrderReport } from '../../../shared/broker/broker.port';
import type { Notification } from '../../../shared/notify/notifier.port';
import type { LifecycleDeps } from '../../../shared/orders/lifecycle/lifecycle.deps';
import { recordAccepted } from '../../../shared/orders/lifecycle/order-tracker';
import { reconcileOrders } from '../../../shared/orders/lifecycle/reconcile-orders';
import { manualClock } from '../../../shared/platform/clock';
import { createLocalOrderRecordStore } from '../../../shared/store/local/order-records.local';
import { testLifecycleDeps } from '../../helpers/lifecycle-deps';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'recon-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

function world(book: OrderReport[]) {
  const clock = manualClock(Date.UTC(2026, 6, 22, 5, 0));
  const notes: Notification[] = [];
  const broker: Broker = {
    name: 'fyers', getQuotes: async () => new Map(), getPositions: async () => [], getFunds: async () => ({ available: 0 }), checkSession: async () => ({ valid: true }),
    findOrders: async () => book, tradebook: async () => [],
    placeOrder: async () => ({ status: 'rejected', code: 0, reason: 'not in this test' }), placeBasket: async () => [], cancelOrder: async () => ({ status: 'cancelled' }), modifyOrder: async () => ({ status: 'modified' }),
  };
  const deps = testLifecycleDeps({ clock, records: createLocalOrderRecordStore(dir), broker, notifier: { notify: async (n) => void notes.push(n) }, settings: { unfilledAlertMs: 60_000 } });
  return { clock, notes, deps };
}
const report = (orderId: string, over: Partial<OrderReport> = {}): OrderReport => ({ orderId, symbol: 'NSE:X', side: 'BUY', qty: 130, productType: 'INTRADAY', state: 'working', filledQty: 0, ...over });
const accept = (deps: LifecycleDeps, orderId: string, orderType = 'MARKET') =>
  recordAccepted(deps, { status: 'placed', orderId, requestId: `r-${orderId}`, symbol: 'NSE:X', side: 'BUY', qty: 130, productType: 'INTRADAY', orderType });

it('reports market orders still unfilled after UNFILLED_ALERT_SECONDS in one grouped message, each order once', async () => {
  const { clock, notes, deps } = world([report('A'), report('B'), report('C')]);
  await accept(deps, 'A');
  await accept(deps, 'B');
  await accept(deps, 'C', 'LIMIT');
  clock.advance(30_000);
  await reconcileOrders(deps);
  expect(notes.filter((n) => n.kind === 'order.unfilled')).toHaveLength(0);
  clock.advance(31_000);
  await reconcileOrders(deps);
  await reconcileOrders(deps);
  const unfilled = notes.filter((n) => n.kind === 'order.unfilled');
  expect(unfilled).toHaveLength(1);
  expect(unfilled[0]!.summary).toMatch(/^2 market order\(s\) still unfilled after 60 s: BUY 0\/130 NSE:X \(A\), BUY 0\/130 NSE:X \(B\)$/);
});

it('after the close, reports partial fills still open, once', async () => {
  const { notes, deps } = world([report('P', { state: 'partially_filled', filledQty: 65 })]);
  await accept(deps, 'P', 'LIMIT');
  await reconcileOrders(deps);
  expect(notes.map((n) => n.kind)).toEqual([]);
  await reconcileOrders(deps, { sessionEnding: true });
  await reconcileOrders(deps, { sessionEnding: true });
  expect(notes.filter((n) => n.kind === 'order.partial_at_close').map((n) => n.summary)).toEqual(['1 order(s) partly filled and still open at the close: BUY 65/130 NSE:X (P)']);
});
