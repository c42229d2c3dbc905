import { AppError } from './app-error';

// What the broker said, or why it could not be asked. Every "unavailable" here is certain that nothing
// was placed, so a retry is safe.

/** The broker refused the order; details carry its code and reason. */
export class BrokerRejectedError extends AppError {
  readonly code = 'BROKER_REJECTED';
}

/** The broker could not be reached and it is certain nothing was placed; safe to retry. */
export class BrokerUnavailableError extends AppError {
  readonly code = 'BROKER_UNAVAILABLE';
}

/**
 * A rate limiter said "later": Fyers' (HTTP 429), or our own pacer when its queue is longer than the
 * caller may wait. Nothing was sent. `retryAfterMs` (also in details, where the HTTP layer reads it)
 * says when. Not a sign that the broker is failing, so the circuit breaker does not count it.
 */
export class BrokerRateLimitedError extends BrokerUnavailableError {
  readonly retryAfterMs: number;

  constructor(publicMessage: string, retryAfterMs: number, details?: Record<string, unknown>) {
    super(publicMessage, { ...details, retryAfterMs });
    this.retryAfterMs = retryAfterMs;
  }
}

/** The circuit breaker is open: refused at once, nothing sent. Never retried inside the request. */
export class BrokerCircuitOpenError extends BrokerUnavailableError {
  constructor(publicMessage: string, retryAfterMs: number) {
    super(publicMessage, { retryAfterMs, breaker: 'open' });
  }
}

/** The broker session is missing or dead; the operator must log in again. Nothing was placed. */
export class SessionExpiredError extends AppError {
  readonly code = 'SESSION_EXPIRED';
}

/** The broker refused a login step (bad auth code, wrong app secret hash); details carry its code. */
export class BrokerAuthRefusedError extends AppError {
  readonly code = 'BROKER_AUTH_REFUSED';
}
