/**
 * Slices of a sliced order whose answer was lost, on the real Firestore emulator: reports racing on
 * the tag record still give every slice one record of its own, and one stop.
 */
import type { OrderReport } from '../../shared/broker/broker.port';
import type { OrderEventV1 } from '../../shared/orders/lifecycle/order-event';
import type { OrderRecord } from '../../shared/orders/lifecycle/order-record';
import { applyBrokerReport, applyPostback, recordAccepted } from '../../shared/orders/lifecycle/order-tracker';
import { createFirestoreOrderRecordStore } from '../../shared/store/firestore/order-records.firestore';
import { lostSlicedOrder as lost, sliceRow as row, slicedOrderKit } from '../helpers/sliced-order-kit';
import { emulatorFirestore, uniquePrefix } from './helpers/emulator-env';

jest.setTimeout(60_000);
const db = emulatorFirestore();
afterAll(() => db.terminate());

const kit = (book: OrderReport[]) => slicedOrderKit(book, createFirestoreOrderRecordStore<OrderRecord, OrderEventV1>(db, { prefix: uniquePrefix('slices') }));

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
