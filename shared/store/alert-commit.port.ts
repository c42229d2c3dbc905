import type { OrderReport } from '../broker/broker.port';
import type { AuditEntry } from './audit.port';
import type { FinishedResult } from './idempotency.port';
import type { RecordMutation, StoredOrderEvent, StoredOrderRecord } from './order-records.port';

/** An order record to create, exactly as OrderRecordStore.create would (an early report kept for its order is taken with it). */
export interface RecordCreation<R extends StoredOrderRecord = StoredOrderRecord, E extends StoredOrderEvent = StoredOrderEvent> {
  id: string;
  orderId?: string;
  build: (early: OrderReport | undefined) => RecordMutation<unknown, R, E>;
}

/** What closes one alert after its order left: the claim's outcome, the orders' records and the audit entry. */
export interface AlertCommit<F extends FinishedResult = FinishedResult, R extends StoredOrderRecord = StoredOrderRecord, E extends StoredOrderEvent = StoredOrderEvent> {
  /** Applied only while `owner` still holds the claim (see IdempotencyStore.complete). */
  completion?: { key: string; owner: string; result: F; nowMs: number };
  records: RecordCreation<R, E>[];
  audit?: AuditEntry;
}

export interface AlertCommitResult {
  /** Whether the claim took the outcome (false: the claim was no longer this owner's). */
  completed: boolean;
  /** Per record, what its `build` returned, or undefined when the record already existed. */
  created: unknown[];
}

/**
 * The alert path's second and last write. The first, the claim, must be durable before the order
 * leaves; everything after the send is one commit, made before the answer (so a resend finds the
 * outcome, and the reconcile the record): on Firestore one atomic write over the claim, the records,
 * their events and the audit entry (a guarded batch when the instance created the claim itself, else a
 * transaction); the local store writes them in one step side by side.
 */
export interface AlertCommitStore<F extends FinishedResult = FinishedResult, R extends StoredOrderRecord = StoredOrderRecord, E extends StoredOrderEvent = StoredOrderEvent> {
  commit(c: AlertCommit<F, R, E>): Promise<AlertCommitResult>;
}
