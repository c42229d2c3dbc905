/** One document per alert outcome; never holds the webhook token or broker credentials. */
export interface AuditEntry {
  requestId: string;
  receivedAt: number;
  /** IST calendar date `YYYY-MM-DD` of receipt, for "what happened today" queries. */
  day: string;
  /** Final HTTP-facing status: placed, duplicate, rejected, unknown, refused, invalid, unauthorized, in-flight, error. */
  status: string;
  httpStatus: number;
  idempotencyKey?: string;
  /** The alert as received, with the token removed. */
  alert?: Record<string, unknown>;
  instrument?: { ticker: string; lotSize: number; tickSize: number; expiry: number; strike: number; optionType: string };
  ltp?: number;
  stopLossPrice?: number;
  takeProfitPrice?: number;
  brokerRequest?: Record<string, unknown>;
  brokerResponse?: Record<string, unknown>;
  /** The order's lifecycle record (fills, average price, exits), when the order reached the broker. */
  orderRecordId?: string;
  errorCode?: string;
  /** The refusal's reason, or the broker's reason for a rejection. */
  message?: string;
  /** For a refusal, each field at fault and why (the same `fields` the 400/422 answer carries). */
  fields?: Record<string, string>;
  latencyMs: number;
  /** Who acted when it was not an alert: `console` for an operator's exit, cancel or flatten. */
  actor?: string;
}

/** How many unauthenticated requests one source sent in one IST hour of a day. */
export interface NoiseCount {
  day: string;
  /** IST hour, 0-23. */
  hour: number;
  source: string;
  count: number;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  list(query: { day: string; status?: string; limit?: number }): Promise<AuditEntry[]>;
  /**
   * Counts one request that never proved it knows the webhook secret. Such requests are not alerts:
   * their attacker-chosen text never enters the audit, and a flood of them cannot push the day's real
   * alerts out of view; only a count per source and hour is kept.
   */
  countNoise(day: string, hour: number, source: string): Promise<void>;
  noise(day: string): Promise<NoiseCount[]>;
}
