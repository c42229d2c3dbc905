/**
 * A trailing stop moves under the entry's exits claim. A fill that arrives meanwhile finds the claim
 * busy; once the trail lets go, the exits are settled at once, not at the next minute's reconcile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Broker, OrderReport } from '../../../../shared/broker/broker.port';
import { createOrderExecutor } from '../../../../shared/orders/execute/execute-plan';
import { lifecycleExits, lifecycleRecorder } from '../../../../shared/orders/lifecycle/lifecycle-recorder';
import type { OrderEventV1 } from '../../../../shared/orders/lifecycle/order-event';
import type { OrderRecord } from '../../../../shared/orders/lifecycle/order-record';
import { applyBrokerReport, recordAccepted } from '../../../../shared/orders/lifecycle/order-tracker';
import { trailStops } from '../../../../shared/orders/lifecycle/trailing-stop';
import { manualClock } from '../../../../shared/platform/clock';
import { silentLogger } from '../../../../shared/platform/logger';
import { createLocalOrderRecordStore } from '../../../../shared/store/local/order-records.local';
import { testLifecycleDeps } from '../../../helpers/lifecycle-deps';

const TICKER = 'NSE:NIFTY2672124400CE';
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'trail-race-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('the target fills while the trail moves the stop: when the trail lets go, the stop is cancelled', async () => {
  let release!: () => void;
  const modifyHeld = new Promise<void>((r) => (release = r));
  let modifying!: () => void;
  const modifyStarted = new Promise<void>((r) => (modifying = r));
  const placed: Array<{ orderTag?: string; orderType?: string }> = [];
  const cancelled: string[] = [];
  let n = 0;
  const broker = {
    placeOrder: async (o: { orderTag?: string; orderType?: string }) => (placed.push(o), { status: 'placed', orderId: `X${++n}` }),
    cancelOrder: async (id: string) => (cancelled.push(id), { status: 'cancelled' }),
    modifyOrder: async () => {
      modifying();
      await modifyHeld;
      return { status: 'modified' };
    },
    findOrders: async () => [],
    getQuotes: async () => new Map([[TICKER, 180]]),
  } as unknown as Broker;
  const records = createLocalOrderRecordStore<OrderRecord, OrderEventV1>(dir);
  const deps = testLifecycleDeps({ clock: manualClock(Date.UTC(2026, 6, 1, 4, 0)), records, broker, settings: { managedExits: () => true } });
  deps.recorder = lifecycleRecorder(deps);
  deps.executor = createOrderExecutor({ broker, logger: silentLogger, recorder: deps.recorder, exits: lifecycleExits(deps) });

  const id = await recordAccepted(deps, { status: 'placed', orderId: 'E1', orderTag: 'entry1', requestId: 'r1', symbol: TICKER, side: 'BUY', qty: 65, productType: 'INTRADAY', orderType: 'MARKET', exits: { slPoints: 10, tpPoints: 20, trailPoints: 5, tickSize: 0.05 } }, { publishNow: false });
  const fill: OrderReport = { orderId: 'E1', symbol: TICKER, side: 'BUY', qty: 65, productType: 'INTRADAY', state: 'filled', filledQty: 65, avgPrice: 150, orderTag: 'entry1' };
  await applyBrokerReport(deps, fill);
  const legs = (await records.get(id))!.exits!;
  expect([legs.stop?.orderId, legs.target?.orderId].sort()).toEqual(['X1', 'X2']);

  // The price ran up: the trail raises the stop, and the target fills while the modify is on its way.
  const trailing = trailStops(deps);
  await modifyStarted;
  const target = legs.target!;
  await applyBrokerReport(deps, { orderId: target.orderId!, symbol: TICKER, side: 'SELL', qty: 65, productType: 'INTRADAY', state: 'filled', filledQty: 65, avgPrice: 170, orderTag: target.tag });
  expect(cancelled).toEqual([]); // the fill found the exits busy
  release();
  await trailing;

  expect(cancelled).toEqual([legs.stop!.orderId]);
  const after = (await records.get(id))!;
  expect(after.exits?.done).toBe('target_filled');
  expect(after.exits?.claim).toBeUndefined();
});
