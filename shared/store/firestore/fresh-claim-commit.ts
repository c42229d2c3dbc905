import { FieldValue, type CollectionReference, type DocumentData, type Firestore } from '@google-cloud/firestore';
import type { AlertCommit, AlertCommitResult } from '../alert-commit.port';
import type { FinishedResult, IdempotencyRecord } from '../idempotency.port';
import { decideComplete } from '../idempotency-rules';
import type { StoredOrderEvent, StoredOrderRecord } from '../order-records.port';
import { docIdFor, withoutUndefined } from './firestore-docs';
import type { FreshClaim } from './fresh-claims';
import { toDoc } from './idempotency.firestore';

/** The collections an alert commit writes. */
export interface AlertCollections {
  claims: CollectionReference;
  records: CollectionReference;
  outbox: CollectionReference;
  orphans: CollectionReference;
  audit: CollectionReference;
}

const GRPC_ALREADY_EXISTS = 6;
const GRPC_NOT_FOUND = 5;
const GRPC_FAILED_PRECONDITION = 9;
/**
 * What a broken assumption answers: FAILED_PRECONDITION for a claim changed since its create,
 * ALREADY_EXISTS for a record or an early report that is there (both seen on the emulator). NOT_FOUND is
 * what a guard on a deleted document may answer elsewhere (the emulator says FAILED_PRECONDITION); the
 * transaction decides it correctly either way.
 */
const ASSUMPTION_FAILED = new Set([GRPC_ALREADY_EXISTS, GRPC_NOT_FOUND, GRPC_FAILED_PRECONDITION]);

/**
 * The alert commit in one round trip, for a claim this instance created moments ago: a batch that
 * writes what the transaction would after reading the usual (the claim as created, no record yet, no
 * early report), each of those a precondition of the batch: the claim's update time is still its
 * create's, every record and event is created, every early report is asserted absent. A batch is all or
 * nothing, so when any of them fails nothing is written and the answer is undefined: the transaction,
 * which reads what is there, decides. Writes the same documents, in the same shapes, as the transaction.
 */
export async function commitOnFreshClaim<F extends FinishedResult, R extends StoredOrderRecord, E extends StoredOrderEvent>(
  db: Firestore,
  cols: AlertCollections,
  c: AlertCommit<F, R, E>,
  completion: NonNullable<AlertCommit<F, R, E>['completion']>,
  fresh: FreshClaim,
): Promise<AlertCommitResult | undefined> {
  const created = fresh.record as IdempotencyRecord<F>;
  const next = decideComplete(created, completion.owner, completion.result, completion.nowMs);
  if (!next) return undefined;
  const batch = db.batch();
  // update(), not set(): only update takes the update-time guard (set ignores it).
  batch.update(cols.claims.doc(docIdFor(completion.key)), replacing(toDoc(created), toDoc(next)), { lastUpdateTime: fresh.writeTime });
  const orphansChecked = new Set<string>();
  const built = c.records.map((r) => {
    const m = r.build(undefined);
    const doc = cols.records.doc(docIdFor(r.id));
    // A record already there makes it someone else's: the transaction answers undefined for it.
    if (m.record) batch.create(doc, withoutUndefined(m.record));
    else batch.delete(doc, { exists: false });
    for (const event of m.events ?? []) batch.create(cols.outbox.doc(docIdFor(event.eventId)), withoutUndefined({ event, recordedAt: event.recordedAt, published: false }));
    // A delete that requires the document absent writes nothing and fails when an early report is
    // there, which the transaction then takes into the record.
    if (r.orderId && !orphansChecked.has(r.orderId)) {
      orphansChecked.add(r.orderId);
      batch.delete(cols.orphans.doc(docIdFor(r.orderId)), { exists: false });
    }
    return m.result;
  });
  if (c.audit) batch.set(cols.audit.doc(docIdFor(c.audit.requestId)), withoutUndefined(c.audit));
  try {
    await batch.commit();
  } catch (e) {
    if (ASSUMPTION_FAILED.has((e as { code?: unknown }).code as number)) return undefined;
    throw e;
  }
  return { completed: true, created: built };
}

/** Fields for an update that leaves exactly `next` where `before` was, as set() would. */
function replacing(before: DocumentData, next: DocumentData): DocumentData {
  const fields: DocumentData = { ...next };
  for (const k of Object.keys(before)) if (!(k in next)) fields[k] = FieldValue.delete();
  return fields;
}
