import type { Notification } from '../../shared/notify/notifier.port';
import type { RecentNotifications } from '../../shared/notify/recent-notifications';

const note = (at: number, summary: string): Notification => ({ kind: 'order.rejected', severity: 'warning', summary, at, requestId: `r-${at}`, details: { code: -50 } });

/** What the console relies on from any recent-notifications store. */
export function recentNotificationsContract(make: () => Promise<RecentNotifications> | RecentNotifications) {
  describe('recent notifications', () => {
    it('lists the newest first, as they were sent, up to the limit', async () => {
      const store = await make();
      expect(await store.list(10)).toEqual([]);
      for (let i = 1; i <= 5; i++) await store.append(note(1_800_000_000_000 + i * 1000, `n${i}`));
      const got = await store.list(3);
      expect(got.map((n) => n.summary)).toEqual(['n5', 'n4', 'n3']);
      expect(got[0]).toEqual(note(1_800_000_005_000, 'n5'));
    });

    it('keeps every one of a burst sent at once', async () => {
      const store = await make();
      await Promise.all(Array.from({ length: 8 }, (_, i) => store.append(note(1_800_000_000_000, `b${i}`))));
      expect((await store.list(20)).map((n) => n.summary).sort()).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7']);
    });
  });
}
