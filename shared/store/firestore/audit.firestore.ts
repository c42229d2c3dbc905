import type { Firestore } from '@google-cloud/firestore';
import type { AuditEntry, AuditLog } from '../audit.port';
import { collectionName, docIdFor, guarded, withoutUndefined, type FirestoreStoreOptions } from './firestore-docs';

const DEFAULT_LIMIT = 100;

/**
 * Audit entries in `<prefix>audit/<requestId>`: one document per alert, so re-recording an outcome
 * overwrites rather than duplicates.
 *
 * `list` filters on day (and status) and orders by receivedAt, which needs composite indexes in the
 * real database (the emulator does not enforce them):
 *   audit: day ASC, receivedAt DESC
 *   audit: day ASC, status ASC, receivedAt DESC
 */
export function createFirestoreAuditLog(db: Firestore, options: FirestoreStoreOptions = {}): AuditLog {
  const col = db.collection(collectionName(options, 'audit'));

  return {
    async record(entry: AuditEntry): Promise<void> {
      await guarded('write an audit entry', () => col.doc(docIdFor(entry.requestId)).set(withoutUndefined(entry)));
    },

    async list(query: { day: string; status?: string; limit?: number }): Promise<AuditEntry[]> {
      let q = col.where('day', '==', query.day);
      if (query.status !== undefined) q = q.where('status', '==', query.status);
      const snap = await guarded('list audit entries', () => q.orderBy('receivedAt', 'desc').limit(query.limit ?? DEFAULT_LIMIT).get());
      return snap.docs.map((d) => d.data() as AuditEntry);
    },
  };
}
