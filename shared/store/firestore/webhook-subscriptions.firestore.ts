import type { Firestore } from '@google-cloud/firestore';
import type { WebhookSubscription, WebhookSubscriptionStore } from '../webhook-subscriptions.port';
import { collectionName, docIdFor, guarded, type FirestoreStoreOptions } from './firestore-docs';

/** `<prefix>order-webhooks/<id>`. */
export function createFirestoreWebhookSubscriptionStore(db: Firestore, options: FirestoreStoreOptions = {}): WebhookSubscriptionStore {
  const col = db.collection(collectionName(options, 'order-webhooks'));
  return {
    async add(sub) {
      await guarded('register a webhook', () => col.doc(docIdFor(sub.id)).create(sub));
    },
    async list() {
      const snap = await guarded('list webhooks', () => col.get());
      return snap.docs.map((d) => d.data() as WebhookSubscription).sort((a, b) => a.createdAt - b.createdAt);
    },
    async remove(id) {
      const doc = col.doc(docIdFor(id));
      return guarded('remove a webhook', async () => {
        const exists = (await doc.get()).exists;
        if (exists) await doc.delete();
        return exists;
      });
    },
  };
}
