import type { HeldLeg, HoldingsStore } from '../../shared/store/holdings.port';
import { newSpace, type Open } from './store-contract';

const T0 = Date.UTC(2026, 6, 22, 4, 30);
const leg = (over: Partial<HeldLeg> = {}): HeldLeg => ({
  ticker: 'NSE:NIFTY26JUL24500CE', optionType: 'CE', side: 'BUY', qty: 65, lotSize: 65, productType: 'INTRADAY', ...over,
});

/** The strategies' book: per strategy and underlying, each change applied at most once, atomically. */
export function holdingsContract(open: Open<HoldingsStore>): void {
  describe('holdings store', () => {
    it('adds and removes fills, merging the same contract and side, and drops legs that reach zero', async () => {
      const s = open(newSpace());
      await s.apply('trend', 'NIFTY', { key: 'k1', nowMs: T0, add: [leg()], remove: [] });
      await s.apply('trend', 'NIFTY', { key: 'k2', nowMs: T0 + 1, add: [leg({ qty: 130 })], remove: [] });
      expect((await s.get('trend', 'NIFTY'))?.legs).toEqual([leg({ qty: 195 })]);
      const after = await s.apply('trend', 'NIFTY', { key: 'k3', nowMs: T0 + 2, add: [], remove: [{ ticker: leg().ticker, side: 'BUY', qty: 195 }] });
      expect(after.legs).toEqual([]);
      expect(after.applied).toEqual(['k1', 'k2', 'k3']);
    });

    it('applies a change with the same key once, however often it is retried', async () => {
      const s = open(newSpace());
      for (let i = 0; i < 3; i++) await s.apply('trend', 'NIFTY', { key: 'same', nowMs: T0 + i, add: [leg()], remove: [] });
      expect((await s.get('trend', 'NIFTY'))?.legs).toEqual([leg()]);
    });

    it('loses no change when many are applied at once', async () => {
      const s = open(newSpace());
      await Promise.all(Array.from({ length: 10 }, (_, i) => s.apply('trend', 'NIFTY', { key: `c${i}`, nowMs: T0 + i, add: [leg()], remove: [] })));
      expect((await s.get('trend', 'NIFTY'))?.legs).toEqual([leg({ qty: 650 })]);
    });

    it('keeps strategies and underlyings apart, lists only holdings with legs, and survives a reopen', async () => {
      const space = newSpace();
      const s = open(space);
      await s.apply('a', 'NIFTY', { key: 'x1', nowMs: T0, add: [leg()], remove: [] });
      await s.apply('a', 'BANKNIFTY', { key: 'x2', nowMs: T0, add: [leg({ ticker: 'NSE:BANKNIFTY26JUL52000PE', optionType: 'PE', lotSize: 30, qty: 30 })], remove: [] });
      await s.apply('b', 'NIFTY', { key: 'x3', nowMs: T0, add: [leg({ side: 'SELL' })], remove: [] });
      await s.apply('c', 'NIFTY', { key: 'x4', nowMs: T0, add: [], remove: [] });
      const again = open(space);
      expect((await again.list({})).map((h) => `${h.strategy}/${h.underlying}`).sort()).toEqual(['a/BANKNIFTY', 'a/NIFTY', 'b/NIFTY']);
      expect((await again.list({ strategy: 'a' })).map((h) => h.underlying).sort()).toEqual(['BANKNIFTY', 'NIFTY']);
      expect((await again.list({ underlying: 'NIFTY' })).map((h) => h.strategy).sort()).toEqual(['a', 'b']);
      expect(await again.get('zzz', 'NIFTY')).toBeUndefined();
    });
    it('keeps orders still open as pending, books their later fills once however often a settle repeats, and lists a holding that only waits', async () => {
      const s = open(newSpace());
      const entry = { orderTag: 'tvabc0o0', intent: 'open' as const, leg: leg({ qty: 130 }), booked: 0 };
      await s.apply('trend', 'NIFTY', { key: 'k1', nowMs: T0, add: [], remove: [], pending: [entry] });
      expect((await s.list({ strategy: 'trend' })).map((h) => h.pending?.map((p) => p.orderTag))).toEqual([['tvabc0o0']]);
      // The same reading applied twice, and two at once: the 65 units filled so far count once.
      await Promise.all([0, 1].map((i) => s.apply('trend', 'NIFTY', { nowMs: T0 + 1 + i, add: [], remove: [], settle: [{ orderTag: 'tvabc0o0', filled: 65, done: false }] })));
      await s.apply('trend', 'NIFTY', { nowMs: T0 + 3, add: [], remove: [], settle: [{ orderTag: 'tvabc0o0', filled: 65, done: false }] });
      const partly = await s.get('trend', 'NIFTY');
      expect(partly?.legs).toEqual([leg({ qty: 65 })]);
      expect(partly?.pending).toEqual([{ ...entry, booked: 65 }]);
      // A settle has no key of its own, so it never crowds alerts out of `applied`.
      expect(partly?.applied).toEqual(['k1']);
      // Done: the rest filled, and it stops being pending.
      const done = await s.apply('trend', 'NIFTY', { nowMs: T0 + 5, add: [], remove: [], settle: [{ orderTag: 'tvabc0o0', filled: 130, done: true }] });
      expect(done.legs).toEqual([leg({ qty: 130 })]);
      expect(done.pending).toBeUndefined();
      // A pending close takes its fills away from the leg it closes.
      await s.apply('trend', 'NIFTY', { key: 'k2', nowMs: T0 + 6, add: [], remove: [], pending: [{ orderTag: 'tvdef0c0', intent: 'close', leg: leg({ qty: 130 }), booked: 0 }] });
      const closed = await s.apply('trend', 'NIFTY', { nowMs: T0 + 7, add: [], remove: [], settle: [{ orderTag: 'tvdef0c0', filled: 130, done: true }] });
      expect(closed.legs).toEqual([]);
      expect(await s.list({ strategy: 'trend' })).toEqual([]);
    });
  });
}
