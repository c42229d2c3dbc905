import type { Firestore } from '@google-cloud/firestore';
import type { StoredToken, TokenStore } from '../../tokens/token.port';
import { collectionName, guarded, withoutUndefined, type FirestoreStoreOptions } from './firestore-docs';

/** The broker session in `<prefix>tokens/fyers`; access is limited by IAM on the service account. */
export function createFirestoreTokenStore(db: Firestore, options: FirestoreStoreOptions = {}): TokenStore {
  const doc = db.collection(collectionName(options, 'tokens')).doc('fyers');
  return {
    async current(): Promise<StoredToken | undefined> {
      const snap = await guarded('read the broker session', () => doc.get());
      return snap.exists ? (snap.data() as StoredToken) : undefined;
    },
    async save(token: StoredToken): Promise<void> {
      await guarded('save the broker session', () => doc.set(withoutUndefined(token)));
    },
  };
}
