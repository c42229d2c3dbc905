import type { Firestore } from '@google-cloud/firestore';
import { randomToken } from '../../platform/ids';
import type { Notification } from '../../notify/notifier.port';
import { RECENT_NOTIFICATIONS_KEEP_MS, type RecentNotifications } from '../../notify/recent-notifications';
import { collectionName, guarded, withoutUndefined, type FirestoreStoreOptions } from './firestore-docs';

/**
 * One document per notification in `<prefix>notifications`, so a burst never contends on one document;
 * `expiresAt` lets a TTL policy drop old ones (reads only ever take the newest few).
 */
export function createFirestoreRecentNotifications(db: Firestore, options: FirestoreStoreOptions = {}): RecentNotifications {
  const col = db.collection(collectionName(options, 'notifications'));
  return {
    async append(n) {
      const id = `${String(n.at).padStart(15, '0')}-${randomToken(4)}`;
      await guarded('keep a notification', () => col.doc(id).set(withoutUndefined({ ...n, expiresAt: new Date(n.at + RECENT_NOTIFICATIONS_KEEP_MS) })));
    },
    async list(limit) {
      const snap = await guarded('list notifications', () => col.orderBy('at', 'desc').limit(limit).get());
      return snap.docs.map((d) => {
        const { expiresAt: _drop, ...n } = d.data() as Notification & { expiresAt?: unknown };
        return n as Notification;
      });
    },
  };
}
