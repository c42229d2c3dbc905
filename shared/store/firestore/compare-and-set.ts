import type { DocumentData, DocumentReference } from '@google-cloud/firestore';

export interface CasDecision<T> {
  result: T;
  /** New field values, 'delete', or undefined to leave the document alone. */
  write?: DocumentData | 'delete';
}

const GRPC_ALREADY_EXISTS = 6;
const GRPC_NOT_FOUND = 5;
const GRPC_FAILED_PRECONDITION = 9;
const LOST_RACE = new Set([GRPC_ALREADY_EXISTS, GRPC_NOT_FOUND, GRPC_FAILED_PRECONDITION]);

/**
 * Optimistic read-modify-write of one small document: read, decide, then write only if the document
 * is unchanged since the read (create() when it was absent, otherwise an update/delete guarded by its
 * updateTime). A loser re-reads after a few ms. For hot single documents (the daily order counter,
 * a lease everyone wants) this resolves a burst in milliseconds, where read-locking transactions
 * abort each other and back off for seconds.
 */
export async function compareAndSet<T>(
  doc: DocumentReference,
  decide: (data: DocumentData | undefined) => CasDecision<T>,
  maxAttempts = 30,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const snap = await doc.get();
    const { result, write } = decide(snap.exists ? snap.data() : undefined);
    if (write === undefined) return result;
    try {
      if (!snap.exists) {
        if (write !== 'delete') await doc.create(write);
      } else if (write === 'delete') {
        await doc.delete({ lastUpdateTime: snap.updateTime! });
      } else {
        await doc.update(write, { lastUpdateTime: snap.updateTime! });
      }
      return result;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code !== 'number' || !LOST_RACE.has(code) || attempt >= maxAttempts) throw e;
      // Jitter spreads the losers so the next round has one clear winner.
      await new Promise((r) => setTimeout(r, 2 + Math.random() * 8 * Math.min(attempt, 5)));
    }
  }
}
