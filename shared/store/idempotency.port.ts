/**
 * Cross-instance claim on an alert's idempotency key. Implementations must make `claim` atomic
 * (Firestore: a transaction; local: a per-key mutex on a single process) so exactly one caller
 * ever holds a live claim on a key.
 */
export type IdempotencyStatus = 'pending' | 'placed' | 'rejected' | 'unknown';

/**
 * What the store keeps of a finished alert. The store reads only `status`; the rest belongs to the
 * caller (the order path stores its OrderResult), so the store knows nothing of orders.
 */
export interface FinishedResult {
  status: Exclude<IdempotencyStatus, 'pending'>;
}

export interface IdempotencyRecord<R extends FinishedResult = FinishedResult> {
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
  result?: R;
}

export type ClaimResult<R extends FinishedResult = FinishedResult> =
  /** Fresh claim: the caller owns the key and may place the order. */
  | { kind: 'claimed'; record: IdempotencyRecord<R> }
  /** Placed or rejected earlier: replay `record.result`. */
  | { kind: 'completed'; record: IdempotencyRecord<R> }
  /** Another live owner is working on it: answer 409. */
  | { kind: 'in-flight'; record: IdempotencyRecord<R> }
  /**
   * The caller took over a claim whose outcome is not known (abandoned `pending`, or `unknown`):
   * it must look the order up at the broker before anything is re-sent.
   */
  | { kind: 'recover'; record: IdempotencyRecord<R>; previous: IdempotencyStatus };

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

export interface IdempotencyStore<R extends FinishedResult = FinishedResult> {
  claim(input: ClaimInput): Promise<ClaimResult<R>>;
  /** Move an owned claim to its final state. Ignored (returns false) if the caller no longer owns it. */
  complete(key: string, owner: string, result: R, nowMs: number): Promise<boolean>;
  /**
   * Drop an owned `pending` claim when it is certain nothing reached the broker, so a retry can proceed.
   * A claim that was taken over (`recover`) is not dropped but returned to its previous state, lease lapsed.
   */
  release(key: string, owner: string): Promise<void>;
  get(key: string): Promise<IdempotencyRecord<R> | undefined>;
}
