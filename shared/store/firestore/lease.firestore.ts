import type { Firestore } from '@google-cloud/firestore';
import type { LeaseStore } from '../lease.port';
import { compareAndSet } from './compare-and-set';
import { collectionName, docIdFor, guarded, type FirestoreStoreOptions } from './firestore-docs';

/** Named leases in `<prefix>leases/<name>`, taken and released by compare-and-set
 * (contenders are many instances at once, which is where transactions stall). */
export function createFirestoreLeaseStore(db: Firestore, options: FirestoreStoreOptions = {}): LeaseStore {
  const col = db.collection(collectionName(options, 'leases'));

  return {
    tryAcquire(name: string, owner: string, ttlMs: number, nowMs: number): Promise<boolean> {
      const doc = col.doc(docIdFor(name));
      return guarded('take a lease', () =>
        compareAndSet(doc, (data) => {
          const held = data as { owner: string; until: number } | undefined;
          if (held && held.owner !== owner && held.until > nowMs) return { result: false };
          return { result: true, write: { owner, until: nowMs + ttlMs } };
        }),
      );
    },

    async release(name: string, owner: string): Promise<void> {
      const doc = col.doc(docIdFor(name));
      await guarded('release a lease', () =>
        compareAndSet(doc, (data) => ({ result: undefined, write: data?.owner === owner ? 'delete' : undefined })),
      );
    },
  };
}
