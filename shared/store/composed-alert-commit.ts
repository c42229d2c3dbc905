import type { AlertCommitStore } from './alert-commit.port';
import type { AuditLog } from './audit.port';
import type { FinishedResult, IdempotencyStore } from './idempotency.port';
import type { OrderRecordStore, StoredOrderEvent, StoredOrderRecord } from './order-records.port';

/**
 * The alert commit made of the three stores, their writes sent side by side (one step, not one
 * atomic write): the local store's implementation, and any mix of stores a test swaps in. Each part is
 * what its own store guarantees; the claim's completion is the one a resend relies on.
 */
export function composedAlertCommit<F extends FinishedResult, R extends StoredOrderRecord, E extends StoredOrderEvent>(stores: {
  idempotency: IdempotencyStore<F>;
  records: OrderRecordStore<R, E>;
  audit: AuditLog;
}): AlertCommitStore<F, R, E> {
  return {
    async commit(c) {
      const [completed, created] = await Promise.all([
        c.completion ? stores.idempotency.complete(c.completion.key, c.completion.owner, c.completion.result, c.completion.nowMs) : Promise.resolve(false),
        Promise.all(c.records.map((r) => stores.records.create(r.id, r.orderId, r.build))),
        c.audit ? stores.audit.record(c.audit) : undefined,
      ]);
      return { completed, created };
    },
  };
}
