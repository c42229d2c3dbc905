/**
 * Issue 22: what following a postback costs the store and the broker. Fyers posts 'accepted' for every
 * order, usually before the record exists; following those took a transaction on the record the order
 * path or the order's own fill was writing, and the clash held answers for seconds on the emulator.
 * The content of a postback is never applied, but it may say there is nothing to look at.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Broker, OrderReport } from '../../../../shared/broker/broker.port';
import type { OrderEventV1 } from '../../../../shared/orders/lifecycle/order-event';
import type { OrderRecord } from '../../../../shared/orders/lifecycle/order-record';
import { applyPostback, recordAccepted } from '../../../../shared/orders/lifecycle/order-tracker';
import { reconcileOrders } from '../../../../shared/orders/lifecycle/reconcile-orders';
import { manualClock } from '../../../../shared/platform/clock';
import type { OrderRecordStore } from '../../../../shared/store/order-records.port';
import { createLocalOrderRecordStore } from '../../../../shared/store/local/order-records.local';
import { testLifecycleDeps } from '../../../helpers/lifecycle-deps';

const TICKER = 'NSE:NIFTY2672124400CE';
const ID = '26072100000001';
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'postback-cost-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const report = (over: Partial<OrderReport> = {}): OrderReport => ({ orderId: ID, symbol: TICKER, side: 'BUY', qty: 65, productType: 'INTRADAY', state: 'working', filledQty: 0, orderTag: 'entry1', ...over });

/** A lifecycle on the local store whose store transactions, kept hints and broker reads are counted; the orderbook row is the test's. */
function kit() {
  const store = createLocalOrderRecordStore<OrderRecord, OrderEventV1>(dir);
  const cost = { transactions: 0, hintsKept: 0, brokerReads: 0 };
  let row: OrderReport = report();
  const records: OrderRecordStore<OrderRecord, OrderEventV1> = {
    ...store,
    mutate: (id, decide) => ((cost.transactions += 1), store.mutate(id, decide)),
    saveOrphan: (r, ids, now) => ((cost.hintsKept += 1), store.saveOrphan(r, ids, now)),
  };
  const broker = {
    findOrders: async () => ((cost.brokerReads += 1), [row]),
    tradebook: async () => [],
  } as unknown as Broker;
  const deps = testLifecycleDeps({ clock: manualClock(Date.UTC(2026, 6, 21, 4, 0)), records, broker });
  const record = () => recordAccepted(deps, { status: 'placed', orderId: ID, orderTag: 'entry1', requestId: 'r1', symbol: TICKER, side: 'BUY', qty: 65, productType: 'INTRADAY', orderType: 'MARKET' }, { publishNow: false });
  const reset = () => Object.assign(cost, { transactions: 0, hintsKept: 0, brokerReads: 0 });
  return { deps, store, cost, record, reset, setRow: (r: OrderReport) => (row = r) };
}

it("an 'accepted' postback that beat its record keeps no hint: nothing to write, nothing to read at the broker", async () => {
  const k = kit();
  expect(await applyPostback(k.deps, report())).toBe('unmatched');
  expect(k.cost).toEqual({ transactions: 0, hintsKept: 0, brokerReads: 0 });
  // A fill that beat its record is still kept, and followed once the record is created.
  expect(await applyPostback(k.deps, report({ state: 'filled', filledQty: 65, avgPrice: 150 }))).toBe('unmatched');
  expect(k.cost.hintsKept).toBe(1);
});

it("an 'accepted' postback for a record already accepted takes no transaction and no broker read", async () => {
  const k = kit();
  await k.record();
  k.reset();
  expect(await applyPostback(k.deps, report())).toBe('unchanged');
  expect(k.cost).toEqual({ transactions: 0, hintsKept: 0, brokerReads: 0 });
});

it('a fill postback reads the row once and moves the record in one transaction; its repeat costs nothing', async () => {
  const k = kit();
  await k.record();
  k.setRow(report({ state: 'filled', filledQty: 65, avgPrice: 150 }));
  k.reset();
  expect(await applyPostback(k.deps, report({ state: 'filled', filledQty: 65, avgPrice: 150 }))).toBe('changed');
  expect(k.cost).toEqual({ transactions: 1, hintsKept: 0, brokerReads: 1 });
  expect(await k.store.get(ID)).toMatchObject({ state: 'filled', filledQty: 65, version: 2 });
  k.reset();
  expect(await applyPostback(k.deps, report({ state: 'filled', filledQty: 65, avgPrice: 150 }))).toBe('unchanged');
  expect(k.cost).toEqual({ transactions: 0, hintsKept: 0, brokerReads: 0 });
});

it('a postback claiming a fill the orderbook does not show is looked at, and takes no transaction', async () => {
  const k = kit();
  await k.record();
  k.reset();
  expect(await applyPostback(k.deps, report({ state: 'filled', filledQty: 6500, avgPrice: 1 }))).toBe('unchanged');
  expect(k.cost).toEqual({ transactions: 0, hintsKept: 0, brokerReads: 1 });
  expect(await k.store.get(ID)).toMatchObject({ state: 'accepted', filledQty: 0, version: 1 });
});

it("a fill claimed with the contract or side written otherwise is still looked at: only the claim's progress decides", async () => {
  const k = kit();
  await k.record();
  k.setRow(report({ state: 'filled', filledQty: 65, avgPrice: 150 }));
  k.reset();
  expect(await applyPostback(k.deps, report({ symbol: 'NIFTY2672124400CE', side: 'SELL', state: 'filled', filledQty: 65, avgPrice: 150 }))).toBe('changed');
  expect(k.cost).toEqual({ transactions: 1, hintsKept: 0, brokerReads: 1 });
});

it('a reconcile takes a transaction only for the records the orderbook moves', async () => {
  const k = kit();
  await k.record();
  k.reset();
  expect(await reconcileOrders(k.deps)).toMatchObject({ open: 1, changed: 0 });
  expect(k.cost.transactions).toBe(0);
  k.setRow(report({ state: 'filled', filledQty: 65, avgPrice: 150 }));
  expect(await reconcileOrders(k.deps)).toMatchObject({ open: 1, changed: 1 });
  expect(k.cost.transactions).toBe(1);
});
