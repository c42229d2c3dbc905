import { BrokerUnavailableError } from './broker-unavailable.error';

/**
 * The broker's rate limiter refused the call (HTTP 429). Nothing was placed, so it is a kind of
 * "unavailable, retry later"; `retryAfterMs` (also in details, where the HTTP layer reads it) says when.
 */
export class BrokerRateLimitedError extends BrokerUnavailableError {
  readonly retryAfterMs: number;

  constructor(publicMessage: string, retryAfterMs: number, details?: Record<string, unknown>) {
    super(publicMessage, { ...details, retryAfterMs });
    this.retryAfterMs = retryAfterMs;
  }
}
