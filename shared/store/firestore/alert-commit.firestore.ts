import type { Firestore } from '@google-cloud/firestore';
import type { OrderReport } from '../../broker/broker.port';
import type { AlertCommitStore } from '../alert-commit.port';
import type { FinishedResult } from '../idempotency.port';
import { decideComplete } from '../idempotency-rules';
import type { StoredOrderEvent, StoredOrderRecord } from '../order-records.port';
import type { StoreHealth } from '../store-health';
import { collectionName, docIdFor, guarded, withoutUndefined, type FirestoreStoreOptions } from './firestore-docs';
import { recordFrom, toDoc } from './idempotency.firestore';

/**
 * The alert commit on Firestore: one transaction reads the claim, the records to create and their
 * early reports, then writes the claim's outcome, the records with their first events (consuming the
 * early reports) and the audit entry, all or nothing. One read and one commit, where separate writes
 * took four round trips, three of them one after the other. Same documents and shapes as the
 * idempotency, order-record and audit stores.
 */
export function createFirestoreAlertCommit<F extends FinishedResult, R extends StoredOrderRecord, E extends StoredOrderEvent>(
  db: Firestore,
  options: FirestoreStoreOptions & { health?: StoreHealth } = {},
): AlertCommitStore<F, R, E> {
  const claims = db.collection(collectionName(options, 'idempotency'));
  const records = db.collection(collectionName(options, 'orders'));
  const outbox = db.collection(collectionName(options, 'order-outbox'));
  const orphans = db.collection(collectionName(options, 'order-orphans'));
  const audit = db.collection(collectionName(options, 'audit'));

  return {
    commit(c) {
      return guarded('commit an alert outcome', () =>
        db.runTransaction(async (tx) => {
          const claimDoc = c.completion ? claims.doc(docIdFor(c.completion.key)) : undefined;
          const recordDocs = c.records.map((r) => records.doc(docIdFor(r.id)));
          const orphanDocs = c.records.map((r) => (r.orderId ? orphans.doc(docIdFor(r.orderId)) : undefined));
          const refs = [...(claimDoc ? [claimDoc] : []), ...recordDocs, ...orphanDocs.filter((d) => d !== undefined)];
          const snaps = refs.length > 0 ? await tx.getAll(...refs) : [];
          const byPath = new Map(snaps.map((s) => [s.ref.path, s]));

          let completed = false;
          if (c.completion && claimDoc) {
            const snap = byPath.get(claimDoc.path)!;
            // An unreadable claim cannot take the outcome, but the order's records and audit still must land.
            let current;
            try {
              current = recordFrom<F>(snap, options.health, (id) => claims.doc(id));
            } catch {
              current = undefined;
            }
            const next = decideComplete(current, c.completion.owner, c.completion.result, c.completion.nowMs);
            if (next) {
              tx.set(claimDoc, toDoc(next));
              completed = true;
            }
          }
          const created = c.records.map((r, i) => {
            if (byPath.get(recordDocs[i]!.path)?.exists) return undefined;
            const orphan = orphanDocs[i] ? byPath.get(orphanDocs[i]!.path) : undefined;
            const early = orphan?.exists ? (orphan.data() as { report: OrderReport }).report : undefined;
            const m = r.build(early);
            if (m.record) tx.create(recordDocs[i]!, withoutUndefined(m.record));
            for (const event of m.events ?? []) tx.create(outbox.doc(docIdFor(event.eventId)), withoutUndefined({ event, recordedAt: event.recordedAt, published: false }));
            if (orphan?.exists) tx.delete(orphanDocs[i]!);
            return m.result;
          });
          if (c.audit) tx.set(audit.doc(docIdFor(c.audit.requestId)), withoutUndefined(c.audit));
          return { completed, created };
        }),
      );
    },
  };
}
