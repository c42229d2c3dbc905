import type { Firestore } from '@google-cloud/firestore';
import type { LeaseStore } from '../lease.port';
import { collectionName, docIdFor, guarded, type FirestoreStoreOptions } from './firestore-docs';

/** Named leases in `<prefix>leases/<name>`, taken and released inside transactions. */
export function createFirestoreLeaseStore(db: Firestore, options: FirestoreStoreOptions = {}): LeaseStore {
  const col = db.collection(collectionName(options, 'leases'));

  return {
    tryAcquire(name: string, owner: string, ttlMs: number, nowMs: number): Promise<boolean> {
      const doc = col.doc(docIdFor(name));
      return guarded('take a lease', () =>
        db.runTransaction(
          async (tx) => {
            const held = (await tx.get(doc)).data() as { owner: string; until: number } | undefined;
            if (held && held.owner !== owner && held.until > nowMs) return false;
            tx.set(doc, { owner, until: nowMs + ttlMs });
            return true;
          },
          { maxAttempts: 10 },
        ),
      );
    },

    async release(name: string, owner: string): Promise<void> {
      const doc = col.doc(docIdFor(name));
      await guarded('release a lease', () =>
        db.runTransaction(async (tx) => {
          const held = (await tx.get(doc)).data() as { owner: string } | undefined;
          if (held?.owner === owner) tx.delete(doc);
        }),
      );
    },
  };
}
