import { Timestamp, type DocumentData, type DocumentReference, type Firestore } from '@google-cloud/firestore';
import type { ClaimInput, ClaimResult, FinishedResult, IdempotencyRecord, IdempotencyStore } from '../idempotency.port';
import { decideClaim, decideComplete, decideRelease } from '../idempotency-rules';
import { DependencyUnavailableError } from '../../errors';
import type { StoreHealth } from '../store-health';
import { isIdempotencyRecord } from '../stored-shapes';
import { collectionName, docIdFor, guarded, withoutUndefined, type FirestoreStoreOptions } from './firestore-docs';
import type { FreshClaims } from './fresh-claims';

/**
 * Idempotency records in `<prefix>idempotency/<key>`. Every change is atomic (create() for a first
 * claim, a transaction for anything that overwrites), so across all instances exactly one caller
 * holds a live claim on a key.
 *
 * `expiresAt` is stored as a Timestamp because Firestore's TTL policy only acts on timestamp fields:
 *   gcloud firestore fields ttls update expiresAt --collection-group=idempotency --enable-ttl
 */
export interface FirestoreIdempotencyOptions extends FirestoreStoreOptions {
  /** Transaction attempts under contention (ABORTED retries); the SDK default is 5. */
  maxAttempts?: number;
  health?: StoreHealth;
  /** Where a first claim's create is noted for the alert commit (see FreshClaims); shared with it. */
  freshClaims?: FreshClaims;
}

export function createFirestoreIdempotencyStore<R extends FinishedResult = FinishedResult>(db: Firestore, options: FirestoreIdempotencyOptions = {}): IdempotencyStore<R> {
  const col = db.collection(collectionName(options, 'idempotency'));
  const ref = (key: string) => col.doc(docIdFor(key));
  const txOptions = { maxAttempts: options.maxAttempts ?? 10 };
  const fromDoc = <T extends FinishedResult = R>(snap: { exists: boolean; id?: string; data(): DocumentData | undefined }) => recordFrom<T>(snap, options.health, (id) => col.doc(id));

  return {
    claim(input: ClaimInput): Promise<ClaimResult<R>> {
      const doc = ref(input.key);
      return guarded('claim an idempotency key', async () => {
        // Fast paths that need no transaction. A first claim, the common case, is one create(): one
        // round trip, atomic by itself. An answer that writes nothing (completed, in-flight) is exact as
        // of one strongly consistent read. A read-then-write transaction is kept for overwrites
        // (takeover, reclaim, expired record): under a burst on one key, transactions holding read locks
        // abort each other for seconds, while create() lets exactly one caller win at once.
        const first = decideClaim<R>(undefined, input);
        try {
          const written = await doc.create(toDoc(first.write!));
          // The alert commit can then write the outcome guarded by this write's time, without reading it back.
          options.freshClaims?.note(input.key, input.owner, { record: first.write!, writeTime: written.writeTime });
          return first.result;
        } catch (e) {
          if (!isAlreadyExists(e)) throw e;
          // Someone (an earlier delivery, or a racing copy) created it: answer from what is there.
        }
        const current = fromDoc<R>(await doc.get());
        const decision = decideClaim(current, input);
        if (!decision.write) return decision.result;
        if (!current) {
          // Deleted (released) between the create and the read: one more plain attempt.
          try {
            await doc.create(toDoc(decision.write));
            return decision.result;
          } catch (e) {
            if (!isAlreadyExists(e)) throw e;
          }
        }
        return db.runTransaction(async (tx) => {
          const decision = decideClaim(fromDoc<R>(await tx.get(doc)), input);
          if (decision.write) tx.set(doc, toDoc(decision.write));
          return decision.result;
        }, txOptions);
      });
    },

    complete(key: string, owner: string, result: R, nowMs: number): Promise<boolean> {
      const doc = ref(key);
      // Completed here (a strategy alert), its note would only wait to be evicted.
      options.freshClaims?.drop(key, owner);
      return guarded('record an order result', () =>
        db.runTransaction(async (tx) => {
          const next = decideComplete(fromDoc<R>(await tx.get(doc)), owner, result, nowMs);
          if (!next) return false;
          tx.set(doc, toDoc(next));
          return true;
        }, txOptions),
      );
    },

    release(key: string, owner: string): Promise<void> {
      const doc = ref(key);
      // A released claim is never committed: its note would only wait to be evicted.
      options.freshClaims?.drop(key, owner);
      return guarded('release an idempotency claim', () =>
        db.runTransaction(async (tx) => {
          const decision = decideRelease(fromDoc<R>(await tx.get(doc)), owner);
          if (decision.kind === 'delete') tx.delete(doc);
          else if (decision.kind === 'write') tx.set(doc, toDoc(decision.record));
        }, txOptions),
      );
    },

    async get(key: string): Promise<IdempotencyRecord<R> | undefined> {
      return fromDoc<R>(await guarded('read an idempotency record', () => ref(key).get()));
    },
  };
}

/** gRPC ALREADY_EXISTS, what create() answers when the document is there. */
function isAlreadyExists(e: unknown): boolean {
  return (e as { code?: unknown }).code === 6;
}

/** The stored shape of a record (expiresAt as a Timestamp, for the TTL policy). */
export function toDoc(record: IdempotencyRecord<FinishedResult>): DocumentData {
  return withoutUndefined({ ...record, expiresAt: Timestamp.fromMillis(record.expiresAt) });
}

function decode<R extends FinishedResult>(data: DocumentData | undefined): IdempotencyRecord<R> | 'invalid' | undefined {
  if (!data) return undefined;
  const expiresAt = data.expiresAt instanceof Timestamp ? data.expiresAt.toMillis() : data.expiresAt;
  const record: unknown = { ...data, expiresAt };
  // The check covers the store's part of the record (the result's own fields belong to the caller).
  return isIdempotencyRecord(record) ? (record as IdempotencyRecord<R>) : 'invalid';
}

/**
 * A document that exists but fails validation is never taken for absent (a resend would place a second
 * order): the alert is refused, nothing sent, and the store reports it until the document is repaired.
 */
export function recordFrom<R extends FinishedResult>(
  snap: { exists: boolean; id?: string; data(): DocumentData | undefined },
  health: StoreHealth | undefined,
  docById: (id: string) => DocumentReference,
): IdempotencyRecord<R> | undefined {
  const decoded = decode<R>(snap.exists ? snap.data() : undefined);
  if (decoded !== 'invalid') return decoded;
  const id = snap.id ?? 'unknown';
  health?.unreadable(`idempotency/${id}`, `The idempotency document ${id} fails validation: its alert is refused until it is checked against the broker and deleted`, () =>
    docById(id).get().then((s) => decode(s.exists ? s.data() : undefined) !== 'invalid', () => false),
  );
  throw new DependencyUnavailableError('The record of this alert is unreadable; nothing was sent and an operator has been told', { record: id });
}

/** For tests and tooling that need the raw document (e.g. to check the TTL field's type). */
export function idempotencyDocRef(db: Firestore, key: string, options: FirestoreStoreOptions = {}): DocumentReference {
  return db.collection(collectionName(options, 'idempotency')).doc(docIdFor(key));
}
