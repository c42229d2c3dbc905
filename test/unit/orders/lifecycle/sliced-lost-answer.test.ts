/**
 * A sliced order whose answer was lost is recorded once, by its tag. The orderbook then shows one row
 * per slice under that tag: each slice must end up with a record of its own, sized to the slice and
 * holding the entry's exits on its own fills, so the whole position is protected, not one slice of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OrderReport } from '../../../../shared/broker/broker.port';
import { lifecycleExits } from '../../../../shared/orders/lifecycle/lifecycle-recorder';
import type { OrderEventV1 } from '../../../../shared/orders/lifecycle/order-event';
import type { OrderRecord } from '../../../../shared/orders/lifecycle/order-record';
import { applyBrokerReport, applyPostback, recordAccepted } from '../../../../shared/orders/lifecycle/order-tracker';
import { reconcileOrders } from '../../../../shared/orders/lifecycle/reconcile-orders';
import { createLocalOrderRecordStore } from '../../../../shared/store/local/order-records.local';
import { SLICED_TICKER as TICKER, lostSlicedOrder as lost, sliceRow as row, slicedOrderKit } from '../../../helpers/sliced-order-kit';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sliced-lost-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const kit = (book: OrderReport[]) => slicedOrderKit(book, createLocalOrderRecordStore<OrderRecord, OrderEventV1>(dir));

it('each slice the orderbook shows gets its own record and its own stop, sized to its fill', async () => {
  const k = kit([row('A1', 1755), row('A2', 1755)]);
  const tagId = await recordAccepted(k.deps, lost, { publishNow: false });
  for (const r of [row('A1', 1755), row('A2', 1755)]) await applyBrokerReport(k.deps, r);

  const first = (await k.records.get(tagId))!;
  expect(first).toMatchObject({ orderId: 'A1', qty: 1755, filledQty: 1755, state: 'filled' });
  const second = (await k.records.get('A2'))!;
  expect(second).toMatchObject({ orderId: 'A2', orderTag: 'tvslice1', requestId: 'r1', qty: 1755, filledQty: 1755, state: 'filled', exits: expect.objectContaining({ slPoints: 10 }) });
  // Both slices are protected: one stop per slice, 3510 units in all.
  expect(k.placed.map((p) => p.qty)).toEqual([1755, 1755]);
});

it('a repeated report of the second slice never moves the first slice\'s record', async () => {
  const k = kit([row('A1', 1755), row('A2', 600)]);
  const tagId = await recordAccepted(k.deps, { ...lost, exits: undefined }, { publishNow: false });
  await applyBrokerReport(k.deps, row('A1', 1755));
  for (let i = 0; i < 2; i++) await applyBrokerReport(k.deps, row('A2', 600));
  expect(await k.records.get(tagId)).toMatchObject({ orderId: 'A1', filledQty: 1755 });
  expect(await k.records.get('A2')).toMatchObject({ filledQty: 600, state: 'partially_filled' });
});

it('a postback for another slice is followed through the orderbook row, never its own content', async () => {
  const k = kit([row('A1', 1755), row('A2', 1755)]);
  await recordAccepted(k.deps, { ...lost, exits: undefined }, { publishNow: false });
  await applyBrokerReport(k.deps, row('A1', 1755));
  // The hint claims a fill the orderbook does not show for an order it does not have: nothing is created.
  expect(await applyPostback(k.deps, { ...row('ZZ', 1755) })).toBe('not_in_orderbook');
  expect(await k.records.get('ZZ')).toBeUndefined();
  expect(await applyPostback(k.deps, row('A2', 1755))).toBe('changed');
  expect(await k.records.get('A2')).toMatchObject({ filledQty: 1755 });
});

const filledOnRecords = async (k: ReturnType<typeof kit>) =>
  ((await Promise.all(['tag-tvslice1', 'A1', 'A2'].map((id) => k.records.get(id)))).filter(Boolean) as OrderRecord[]).reduce((s, r) => s + r.filledQty, 0);

describe('races and lost postbacks (review findings)', () => {
  it('two slices reported at once to a tag record that follows neither: both are recorded', async () => {
    const k = kit([row('A1', 1755), row('A2', 1755)]);
    await recordAccepted(k.deps, lost, { publishNow: false });
    await Promise.all([applyBrokerReport(k.deps, row('A1', 1755)), applyBrokerReport(k.deps, row('A2', 1755))]);
    expect(await filledOnRecords(k)).toBe(3510);
  });

  it('the minute\'s reconcile and a slice\'s postback at once: no slice is lost', async () => {
    const k = kit([row('A1', 1755), row('A2', 1755)]);
    await recordAccepted(k.deps, lost, { publishNow: false });
    await Promise.all([reconcileOrders(k.deps), applyPostback(k.deps, row('A1', 1755))]);
    expect(await filledOnRecords(k)).toBe(3510);
  });

  it('with every postback lost, the reconcile records and protects each slice', async () => {
    const k = kit([row('A1', 1755), row('A2', 1755)]);
    await recordAccepted(k.deps, lost, { publishNow: false });
    await reconcileOrders(k.deps);
    await reconcileOrders(k.deps);
    expect(await filledOnRecords(k)).toBe(3510);
    expect(k.placed.filter((p) => p.side === 'SELL').reduce((s, p) => s + p.qty, 0)).toBe(3510);
  });

  it('a slice first seen after the contract\'s exits were withdrawn for a close arms no stop on the flat position', async () => {
    const k = kit([row('A1', 1755), row('A2', 1755)]);
    await recordAccepted(k.deps, lost, { publishNow: false });
    await applyBrokerReport(k.deps, row('A1', 1755));
    expect(k.placed.map((p) => p.qty)).toEqual([1755]);
    await lifecycleExits(k.deps).withdraw([{ symbol: TICKER, productType: 'INTRADAY' }], 'r2');
    await applyPostback(k.deps, row('A2', 1755));
    expect(k.placed.map((p) => p.qty)).toEqual([1755]);
    expect(await k.records.get('A2')).toMatchObject({ filledQty: 1755 });
    expect((await k.records.get('A2'))?.exitsActive).toBeFalsy();
  });

  it('a row of another contract under the same tag (a rerun that reused it) gets no record of the tagged one\'s contract', async () => {
    const other: OrderReport = { ...row('C2', 1755), symbol: 'NSE:NIFTY2672124500PE', side: 'SELL' };
    const k = kit([row('A1', 1755), other]);
    await recordAccepted(k.deps, { ...lost, exits: undefined }, { publishNow: false });
    await applyBrokerReport(k.deps, row('A1', 1755));
    await applyBrokerReport(k.deps, other);
    await reconcileOrders(k.deps);
    expect(await k.records.get('C2')).toBeUndefined();
  });

  it('a slice\'s postback that finds the tag record only on its second look is followed as a slice', async () => {
    const k = kit([row('A1', 1755), row('A2', 1755)]);
    await recordAccepted(k.deps, { ...lost, exits: undefined }, { publishNow: false });
    await applyBrokerReport(k.deps, row('A1', 1755));
    const get = k.records.get.bind(k.records);
    let hidden = true;
    k.deps.records = { ...k.records, get: async (id: string) => (id === 'tag-tvslice1' && hidden ? ((hidden = false), undefined) : get(id)) } as typeof k.records;
    expect(await applyPostback(k.deps, row('A2', 1755))).toBe('changed');
    expect(await k.records.get('A2')).toMatchObject({ filledQty: 1755 });
  });
});

it('an instance taking over an order an earlier attempt kept by its tag gives it no second record, so no second stop', async () => {
  const k = kit([row('A1', 1755)]);
  const tagId = await recordAccepted(k.deps, { ...lost, qty: 1755 }, { publishNow: false });
  await applyBrokerReport(k.deps, row('A1', 1755));
  expect(k.placed.map((p) => p.qty)).toEqual([1755]);
  // The takeover resumes the same plan and finds the order by its tag.
  const planned = { n: 0, intent: 'open' as const, lots: 27, lotSize: 65, exits: { slPoints: 10, tickSize: 0.05 }, order: { symbol: TICKER, qty: 1755, side: 'BUY' as const, orderType: 'MARKET' as const, productType: 'INTRADAY' as const, orderTag: 'tvslice1' } };
  const ex = await k.deps.executor!.resume({ requestId: 'r1', orders: [planned], confirm: true });
  expect(ex?.legs[0]).toMatchObject({ status: 'filled', filledQty: 1755 });
  expect(await k.records.get('A1')).toBeUndefined();
  expect(await k.records.get(tagId)).toMatchObject({ orderId: 'A1', filledQty: 1755 });
  expect(k.placed.map((p) => p.qty)).toEqual([1755]);
});

