import type { Firestore } from '@google-cloud/firestore';
import { applyHoldingChange, holdingId, holdsAnything, type Holding, type HoldingsStore } from '../holdings.port';
import { collectionName, docIdFor, guarded, withoutUndefined, type FirestoreStoreOptions } from './firestore-docs';

/** Holdings in `<prefix>holdings/<strategy|underlying>`; every change is one transaction. */
export function createFirestoreHoldingsStore(db: Firestore, options: FirestoreStoreOptions = {}): HoldingsStore {
  const col = db.collection(collectionName(options, 'holdings'));
  const ref = (strategy: string, underlying: string) => col.doc(docIdFor(holdingId(strategy, underlying)));

  return {
    get: (strategy, underlying) =>
      guarded('read a holding', async () => {
        const snap = await ref(strategy, underlying).get();
        return snap.exists ? (snap.data() as Holding) : undefined;
      }),

    list: (filter) =>
      guarded('list holdings', async () => {
        let q: FirebaseFirestore.Query = col;
        if (filter.strategy !== undefined) q = q.where('strategy', '==', filter.strategy);
        if (filter.underlying !== undefined) q = q.where('underlying', '==', filter.underlying);
        const snap = await q.get();
        return snap.docs.map((d) => d.data() as Holding).filter(holdsAnything);
      }),

    apply: (strategy, underlying, change) =>
      guarded('update a holding', () =>
        db.runTransaction(async (tx) => {
          const doc = ref(strategy, underlying);
          const snap = await tx.get(doc);
          const next = applyHoldingChange(snap.exists ? (snap.data() as Holding) : undefined, strategy, underlying, change);
          tx.set(doc, withoutUndefined(next));
          return next;
        }),
      ),
  };
}
