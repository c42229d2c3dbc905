import type { Logger } from '../platform/logger';
import type { AlertCommitStore } from '../store/alert-commit.port';
import type { AuditEntry } from '../store/audit.port';
import type { PreparedRecord } from './execute/order-recorder.port';
import type { OrderResult } from './order-result';

/**
 * What the order path would write after its order left, kept for one commit with the audit entry:
 * an alert then costs two writes in sequence, the claim before the send and this after it.
 */
export interface AlertWrites {
  completion?: { key: string; owner: string; result: OrderResult; nowMs: number };
  records: PreparedRecord[];
  /** Writes that must end before the answer but need not wait for the commit, nor it for them (a strategy's book locks let go). */
  alongside: Promise<unknown>[];
}

export const newAlertWrites = (): AlertWrites => ({ records: [], alongside: [] });

export const hasAlertWrites = (w: AlertWrites | undefined): w is AlertWrites => Boolean(w && (w.completion || w.records.length > 0));

/**
 * Commits the alert's outcome, its orders' records and its audit entry together, then lets each new
 * record's follow-up run (a paper fill is applied before the answer; exits and events never hold it). Never throws: the
 * order's fate is decided; a lost commit leaves the claim pending, which a resend recovers by tag
 * once the lease lapses, and the reconcile finds the order by its tag.
 */
export async function commitAlert(deps: { alertCommit: AlertCommitStore<OrderResult>; logger: Logger }, writes: AlertWrites, audit?: AuditEntry): Promise<void> {
  await Promise.all([commitWrites(deps, writes, audit), ...writes.alongside.map((w) => w.catch(() => undefined))]);
}

async function commitWrites(deps: { alertCommit: AlertCommitStore<OrderResult>; logger: Logger }, writes: AlertWrites, audit?: AuditEntry): Promise<void> {
  try {
    const r = await deps.alertCommit.commit({ completion: writes.completion, records: writes.records.map((p) => p.creation), audit });
    if (writes.completion && !r.completed) deps.logger.error('claim was lost before the result could be recorded', { key: writes.completion.key, status: writes.completion.result.status });
    await Promise.all(writes.records.map((p, i) => p.after(r.created[i])));
  } catch (e) {
    deps.logger.error('could not record the outcome of an alert', { key: writes.completion?.key, status: writes.completion?.result.status, error: e });
  }
}
