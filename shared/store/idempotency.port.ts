import type { OrderResult } from '../orders/order-result';

/**
 * Cross-instance claim on an alert's idempotency key. Implementations must make `claim` atomic
 * (Firestore: a transaction; local: a per-key mutex on a single process) so exactly one caller
 * ever holds a live claim on a key.
 */
export type IdempotencyStatus = 'pending' | 'placed' | 'rejected' | 'unknown';

export interface IdempotencyRecord {
  key: string;
  status: IdempotencyStatus;
  /** Instance/request that holds the claim. */
  owner: string;
  requestId: string;
  orderTag?: string;
  /** Epoch ms after which a `pending` claim is considered abandoned. */
  leaseUntil: number;
  /** Epoch ms after which the record may be deleted (Firestore TTL policy field). */
  expiresAt: number;
  createdAt: number;
  updatedAt: number;
  /** How many times an abandoned claim was taken over. */
  takeovers: number;
  /**
   * Set while a taken-over claim is pending: the state it was taken over from. `release` puts the
   * record back into that state instead of deleting it, because the recovering owner cannot know
   * that nothing reached the broker, and the original orderTag must survive for the next recovery.
   */
  recoveredFrom?: IdempotencyStatus;
  result?: OrderResult;
}

export type ClaimResult =
  /** Fresh claim: the caller owns the key and may place the order. */
  | { kind: 'claimed'; record: IdempotencyRecord }
  /** Placed or rejected earlier: replay `record.result`. */
  | { kind: 'completed'; record: IdempotencyRecord }
  /** Another live owner is working on it: answer 409. */
  | { kind: 'in-flight'; record: IdempotencyRecord }
  /**
   * The caller took over a claim whose outcome is not known (abandoned `pending`, or `unknown`):
   * it must look the order up at the broker before anything is re-sent.
   */
  | { kind: 'recover'; record: IdempotencyRecord; previous: IdempotencyStatus };

export interface ClaimInput {
  key: string;
  owner: string;
  requestId: string;
  orderTag?: string;
  nowMs: number;
  leaseMs: number;
  ttlMs: number;
  /**
   * For keys derived from the body: a completed record older than this is a new alert, not a replay,
   * and the caller gets a fresh claim (with its own orderTag) in the same atomic step.
   */
  reclaimCompletedAfterMs?: number;
}

export interface IdempotencyStore {
  claim(input: ClaimInput): Promise<ClaimResult>;
  /** Move an owned claim to its final state. Ignored (returns false) if the caller no longer owns it. */
  complete(key: string, owner: string, result: OrderResult, nowMs: number): Promise<boolean>;
  /**
   * Drop an owned `pending` claim when it is certain nothing reached the broker, so a retry can proceed.
   * A claim that was taken over (`recover`) is not dropped but returned to its previous state, lease lapsed.
   */
  release(key: string, owner: string): Promise<void>;
  get(key: string): Promise<IdempotencyRecord | undefined>;
}
