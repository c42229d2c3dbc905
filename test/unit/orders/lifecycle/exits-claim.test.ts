/**
 * The exits' claim as one commit with the fill, on the local store with a scripted broker: what the
 * entry's record holds while the legs are on their way, and a close that withdraws the exits while
 * another run holds them.
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
import { manualClock } from '../../../../shared/platform/clock';
import { silentLogger } from '../../../../shared/platform/logger';
import { createLocalOrderRecordStore } from '../../../../shared/store/local/order-records.local';
import { testLifecycleDeps } from '../../../helpers/lifecycle-deps';

const TICKER = 'NSE:NIFTY2672124400CE';
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'exits-claim-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function kit() {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const placed: string[] = [];
  const cancelled: string[] = [];
  let n = 0;
  const broker = {
    placeOrder: async (o: { orderTag?: string }) => {
      await gate;
      placed.push(o.orderTag ?? '');
      return { status: 'placed', orderId: `X${++n}` };
    },
    cancelOrder: async (id: string) => (cancelled.push(id), { status: 'cancelled' }),
    modifyOrder: async () => ({ status: 'modified' }),
    findOrders: async () => [],
    getQuotes: async () => new Map(),
  } as unknown as Broker;
  const records = createLocalOrderRecordStore<OrderRecord, OrderEventV1>(dir);
  const deps = testLifecycleDeps({ clock: manualClock(Date.UTC(2026, 6, 1, 4, 0)), records, broker, settings: { managedExits: () => true, unfilledAlertMs: 60_000 } });
  deps.recorder = lifecycleRecorder(deps);
  deps.executor = createOrderExecutor({ broker, logger: silentLogger, recorder: deps.recorder, exits: lifecycleExits(deps) });
  return { deps, records, open, placed, cancelled };
}

const fill = (orderId: string): OrderReport => ({ orderId, symbol: TICKER, side: 'BUY', qty: 65, productType: 'INTRADAY', state: 'filled', filledQty: 65, avgPrice: 150, orderTag: 'entry1' });

it('the fill commits the claim and both intents with it; a close that withdrew the exits meanwhile cancels what the run placed', async () => {
  const k = kit();
  const id = await recordAccepted(k.deps, { status: 'placed', orderId: 'E1', orderTag: 'entry1', requestId: 'r1', symbol: TICKER, side: 'BUY', qty: 65, productType: 'INTRADAY', orderType: 'MARKET', exits: { slPoints: 10, tpPoints: 20, tickSize: 0.05 } }, { publishNow: false });

  const applying = applyBrokerReport(k.deps, fill('E1'));
  // The legs wait at the broker: what the record holds now was written by the fill's one commit.
  for (let i = 0; i < 50 && (await k.records.get(id))?.state !== 'filled'; i++) await new Promise((r) => setTimeout(r, 5));
  const held = (await k.records.get(id))!;
  expect(held.state).toBe('filled');
  expect(held.exits).toMatchObject({ claim: { owner: expect.stringMatching(/^test:/) }, stop: { status: 'unknown' }, target: { status: 'unknown' } });

  // A close withdraws the contract's exits while that run still holds them: it finds the claim busy.
  const withdrawn = await lifecycleExits(k.deps).withdraw([{ symbol: TICKER, productType: 'INTRADAY' }], 'r2');
  expect(withdrawn).toEqual([id]);
  expect(k.cancelled).toEqual([]);

  k.open();
  await applying;
  // The run placed both legs, kept the close, and ran once more to cancel them.
  expect(k.placed).toHaveLength(2);
  expect(k.cancelled.sort()).toEqual(['X1', 'X2']);
  const after = (await k.records.get(id))!;
  expect(after.exits?.done).toBe('closed');
  expect(after.exits?.claim).toBeUndefined();
  expect(after.exits).toMatchObject({ stop: { status: 'gone' }, target: { status: 'gone' } });
});
