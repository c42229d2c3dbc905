export interface AlertRequest {
  /** The JSON-parsed body. */
  body: unknown;
  /** Idempotency-Key header, if sent. */
  headerKey?: string;
  requestId: string;
  receivedAt: number;
}
