import type { AlertWrites } from './alert-writes';

export interface AlertRequest {
  /** The JSON-parsed body. */
  body: unknown;
  /** Idempotency-Key header, if sent. */
  headerKey?: string;
  requestId: string;
  receivedAt: number;
  /**
   * Where the order path leaves what it would write after the send (the claim's outcome, the order's
   * records), for the caller to commit in one step with its audit entry before answering. Absent:
   * the order path writes them itself.
   */
  writes?: AlertWrites;
}
