import { FieldValue, type Firestore } from '@google-cloud/firestore';
import type { AuditEntry, AuditLog, NoiseCount } from '../audit.port';
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
  // `<prefix>audit-noise/<day>_<hour>_<source>`: one counter per source and hour (single-field query).
  const noiseCol = db.collection(collectionName(options, 'audit-noise'));

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

    async countNoise(day: string, hour: number, source: string): Promise<void> {
      const id = docIdFor(`${day}_${hour}_${source}`);
      await guarded('count an unauthenticated request', () => noiseCol.doc(id).set({ day, hour, source, count: FieldValue.increment(1) }, { merge: true }));
    },

    async noise(day: string): Promise<NoiseCount[]> {
      const snap = await guarded('list unauthenticated request counts', () => noiseCol.where('day', '==', day).get());
      return snap.docs.map((d) => d.data() as NoiseCount);
    },
  };
}
