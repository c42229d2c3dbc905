import type { Firestore } from '@google-cloud/firestore';
import type { PaperBookStore } from '../paper-book.port';
import { compareAndSet } from './compare-and-set';
import { collectionName, guarded, type FirestoreStoreOptions } from './firestore-docs';

/**
 * The paper book in `<prefix>paperBook/<name>`, kept as one JSON string field: the book is read and
 * written whole, its orders are nested arrays Firestore would index for nothing, and one string is
 * one field however the book grows. Updates are compare-and-set on the document's update time, so two
 * instances never both act on the same book; the paper broker keeps it well under Firestore's 1 MiB.
 */
export function createFirestorePaperBook<S>(db: Firestore, name: string, options: FirestoreStoreOptions = {}): PaperBookStore<S> {
  const doc = db.collection(collectionName(options, 'paperBook')).doc(name);
  const parse = (data: FirebaseFirestore.DocumentData | undefined): S | undefined => (typeof data?.book === 'string' ? (JSON.parse(data.book) as S) : undefined);
  return {
    read: () => guarded('read the paper book', async () => parse((await doc.get()).data())),
    update: (decide) =>
      guarded('update the paper book', () =>
        compareAndSet(doc, (data) => {
          const { next, result } = decide(parse(data));
          return { result, ...(next !== undefined ? { write: { book: JSON.stringify(next) } } : {}) };
        }),
      ),
  };
}
