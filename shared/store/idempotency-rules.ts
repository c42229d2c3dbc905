import type { ClaimInput, ClaimResult, FinishedResult, IdempotencyRecord } from './idempotency.port';

/**
 * The idempotency state machine, shared by every store so the local and Firestore adapters cannot
 * drift apart. Each function sees the current record (as read inside the store's atomic step) and
 * says what to answer and what to write; the store only supplies atomicity.
 */
export interface ClaimDecision<R extends FinishedResult = FinishedResult> {
  result: ClaimResult<R>;
  /** Record to store, or undefined when the stored one stays as it is. */
  write?: IdempotencyRecord<R>;
}

export function decideClaim<R extends FinishedResult>(existing: IdempotencyRecord<R> | undefined, input: ClaimInput): ClaimDecision<R> {
  const { nowMs } = input;
  // A TTL policy deletes lazily (Firestore: up to a day late), so an expired record must behave
  // exactly as if it were already gone.
  if (!existing || existing.expiresAt <= nowMs) return fresh(input);

  const reclaimAfter = input.reclaimCompletedAfterMs;
  // Measured from completion: a same-body alert retried right after the answer is still a replay. An
  // `unknown` outcome ends too: the same body sent again after the window is a new signal, not a resend
  // (TradingView resends within seconds), and it must not be answered with the old uncertainty.
  const finished = existing.status === 'placed' || existing.status === 'rejected' || existing.status === 'unknown';
  if (finished && reclaimAfter !== undefined && nowMs - existing.updatedAt >= reclaimAfter) return fresh(input);
  if (existing.status === 'placed' || existing.status === 'rejected') {
    return { result: { kind: 'completed', record: existing } };
  }

  // Our own claim read back: a create or commit that succeeded while its answer was lost is retried by
  // the store (or the SDK), and must not turn the alert into a 409 that TradingView never resends.
  if (existing.status === 'pending' && existing.owner === input.owner && existing.requestId === input.requestId && existing.leaseUntil > nowMs) {
    return { result: { kind: 'claimed', record: existing } };
  }
  if (existing.status === 'pending' && existing.leaseUntil > nowMs) {
    return { result: { kind: 'in-flight', record: existing } };
  }

  // Abandoned pending claim, or an earlier attempt whose outcome is unknown: the caller takes over,
  // keeping orderTag, createdAt and any result so it can look the order up at the broker.
  const previous = existing.status;
  const record: IdempotencyRecord<R> = {
    ...existing,
    status: 'pending',
    owner: input.owner,
    requestId: input.requestId,
    leaseUntil: nowMs + input.leaseMs,
    expiresAt: Math.max(existing.expiresAt, nowMs + input.ttlMs),
    updatedAt: nowMs,
    takeovers: existing.takeovers + 1,
    recoveredFrom: existing.recoveredFrom ?? previous,
  };
  // A lapsed takeover of an `unknown` record is still unknown: report the original state.
  return { result: { kind: 'recover', record, previous: existing.recoveredFrom ?? previous }, write: record };
}

function fresh<R extends FinishedResult>(input: ClaimInput): ClaimDecision<R> {
  const record: IdempotencyRecord<R> = {
    key: input.key,
    status: 'pending',
    owner: input.owner,
    requestId: input.requestId,
    leaseUntil: input.nowMs + input.leaseMs,
    expiresAt: input.nowMs + input.ttlMs,
    createdAt: input.nowMs,
    updatedAt: input.nowMs,
    takeovers: 0,
  };
  if (input.orderTag !== undefined) record.orderTag = input.orderTag;
  return { result: { kind: 'claimed', record }, write: record };
}

/** The completed record, or undefined when `owner` no longer holds a pending claim (nothing is written). */
export function decideComplete<R extends FinishedResult>(
  existing: IdempotencyRecord<R> | undefined,
  owner: string,
  result: R,
  nowMs: number,
): IdempotencyRecord<R> | undefined {
  if (!existing || existing.owner !== owner || existing.status !== 'pending') return undefined;
  const { recoveredFrom: _done, ...rest } = existing;
  return { ...rest, status: result.status, result, updatedAt: nowMs, leaseUntil: nowMs };
}

export type ReleaseDecision<R extends FinishedResult = FinishedResult> = { kind: 'keep' } | { kind: 'delete' } | { kind: 'write'; record: IdempotencyRecord<R> };

export function decideRelease<R extends FinishedResult>(existing: IdempotencyRecord<R> | undefined, owner: string): ReleaseDecision<R> {
  if (!existing || existing.owner !== owner || existing.status !== 'pending') return { kind: 'keep' };
  if (existing.recoveredFrom === undefined) return { kind: 'delete' };
  // Lease lapsed on purpose: the next duplicate recovers again, from the same state and tag.
  const { recoveredFrom, ...rest } = existing;
  return { kind: 'write', record: { ...rest, status: recoveredFrom, leaseUntil: 0 } };
}
