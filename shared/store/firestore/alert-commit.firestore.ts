import type { Firestore } from '@google-cloud/firestore';
import type { OrderReport } from '../../broker/broker.port';
import type { AlertCommit, AlertCommitResult, AlertCommitStore } from '../alert-commit.port';
import type { FinishedResult } from '../idempotency.port';
import { decideComplete } from '../idempotency-rules';
import type { StoredOrderEvent, StoredOrderRecord } from '../order-records.port';
import type { StoreHealth } from '../store-health';
import { collectionName, docIdFor, guarded, withoutUndefined, type FirestoreStoreOptions } from './firestore-docs';
import { commitOnFreshClaim, type AlertCollections } from './fresh-claim-commit';
import type { FreshClaims } from './fresh-claims';
import { recordFrom, toDoc } from './idempotency.firestore';

export interface FirestoreAlertCommitOptions extends FirestoreStoreOptions {
  health?: StoreHealth;
  /** The claims the idempotency store created (share one with it): their commit needs no read. */
  freshClaims?: FreshClaims;
}

/**
 * The alert commit on Firestore: the claim's outcome, the records with their first events (consuming
 * early reports) and the audit entry, all or nothing. Where separate writes took four round trips, three
 * of them one after the other, this is one: a batch guarded by what it assumes, when this instance
 * created the claim itself (see commitOnFreshClaim); otherwise, or when an assumption fails, one
 * transaction that reads the claim, the records to create and their early reports, then commits (two).
 * Same documents and shapes as the idempotency, order-record and audit stores.
 */
export function createFirestoreAlertCommit<F extends FinishedResult, R extends StoredOrderRecord, E extends StoredOrderEvent>(
  db: Firestore,
  options: FirestoreAlertCommitOptions = {},
): AlertCommitStore<F, R, E> {
  const cols: AlertCollections = {
    claims: db.collection(collectionName(options, 'idempotency')),
    records: db.collection(collectionName(options, 'orders')),
    outbox: db.collection(collectionName(options, 'order-outbox')),
    orphans: db.collection(collectionName(options, 'order-orphans')),
    audit: db.collection(collectionName(options, 'audit')),
  };
  const { claims, records, outbox, orphans, audit } = cols;

  const inTransaction = (c: AlertCommit<F, R, E>): Promise<AlertCommitResult> =>
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
    });

  return {
    commit(c) {
      return guarded('commit an alert outcome', async () => {
        // Taken whatever happens next: a note is good for one commit, and a second would find it stale.
        const fresh = c.completion ? options.freshClaims?.take(c.completion.key, c.completion.owner) : undefined;
        const blind = fresh && c.completion ? await commitOnFreshClaim(db, cols, c, c.completion, fresh) : undefined;
        return blind ?? inTransaction(c);
      });
    },
  };
}
