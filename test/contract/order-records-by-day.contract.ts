import type { OrderRecordStore, StoredOrderEvent, StoredOrderRecord } from '../../shared/store/order-records.port';

type Rec = StoredOrderRecord & { createdAt: number; symbol: string };

/** The console's read of a day's order records, the same on every store. */
export function ordersByDayContract(open: (space: string) => OrderRecordStore<Rec, StoredOrderEvent>): void {
  it('lists the records created in [from, to), oldest first, and nothing outside', async () => {
    const store = open(`byday-${Date.now()}`);
    const day = Date.UTC(2027, 0, 12) - 5.5 * 3_600_000;
    const put = (id: string, createdAt: number) => store.create(id, undefined, () => ({ result: id, record: { id, state: 'accepted', version: 1, createdAt, symbol: 'NSE:X' } }));
    await put('yesterday', day - 1);
    await put('late', day + 5 * 3_600_000);
    await put('early', day);
    await put('tomorrow', day + 86_400_000);
    const listed = await store.listCreatedBetween(day, day + 86_400_000);
    expect(listed.map((r) => r.id)).toEqual(['early', 'late']);
  });
}
