import { BrokerRateLimitedError, BrokerUnavailableError, SessionExpiredError } from '../../errors';
import type { FyersBody, FyersReply, FyersTransportError } from './fyers.http';

/** -8 expired, -15 invalid, -16 cannot authenticate, -17 invalid or expired: log in again, don't retry. */
export const TOKEN_DEAD_CODES: ReadonlySet<number> = new Set([-8, -15, -16, -17]);
/** -429 documented; -353 "API Limit exceeded" from the older error sheet. */
const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([-429, -353]);
/** Used when a 429 names no delay. */
export const DEFAULT_RETRY_AFTER_MS = 1000;

export const codeOf = (body: FyersBody | undefined): number | undefined => {
  const c = body?.code;
  const n = typeof c === 'string' && c.trim() !== '' ? Number(c) : c;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};
export const messageOf = (body: FyersBody | undefined): string => (typeof body?.message === 'string' ? body.message : '');
export const isOk = (reply: FyersReply): boolean => reply.body?.s === 'ok';

/** Whether the HTTP status accompanying these codes is 200 or 401 is undocumented, so either counts. */
export function isTokenDead(reply: FyersReply): boolean {
  const code = codeOf(reply.body);
  return reply.httpStatus === 401 || (code !== undefined && TOKEN_DEAD_CODES.has(code));
}

export function isRateLimited(reply: FyersReply): boolean {
  const code = codeOf(reply.body);
  return reply.httpStatus === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code));
}

/** X-Retry-After-Ms first (finer), then Retry-After in seconds; an HTTP-date form falls back to the default. */
export function retryAfterMs(headers: Headers): number {
  const ms = Number(headers.get('x-retry-after-ms'));
  if (headers.has('x-retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const s = Number(headers.get('retry-after'));
  if (headers.has('retry-after') && Number.isFinite(s) && s >= 0) return s * 1000;
  return DEFAULT_RETRY_AFTER_MS;
}

/**
 * The two refusals that are certain and not about the request itself: a dead session and the rate limiter.
 * Both mean nothing happened at Fyers, so they throw for every endpoint, order placement included.
 */
export function throwIfSessionDeadOrRateLimited(reply: FyersReply, what: string): void {
  if (isTokenDead(reply)) {
    throw new SessionExpiredError('The Fyers session has expired; log in again', { what, brokerCode: codeOf(reply.body) ?? reply.httpStatus });
  }
  if (isRateLimited(reply)) {
    const wait = retryAfterMs(reply.headers);
    throw new BrokerRateLimitedError('Fyers rate limit reached; retry later', wait, { what, brokerCode: codeOf(reply.body) ?? reply.httpStatus });
  }
}

/** For reads (quotes, positions, orderbook, profile): any failure to get an answer is "unavailable", never a guess. */
export function readFailure(what: string, cause: FyersTransportError | FyersReply): BrokerUnavailableError {
  if ('kind' in cause) return new BrokerUnavailableError(`Fyers ${what} failed: ${cause.kind}`, { what, transport: cause.kind }, { cause });
  return new BrokerUnavailableError(`Fyers ${what} failed`, { what, httpStatus: cause.httpStatus, brokerCode: codeOf(cause.body), reason: messageOf(cause.body) });
}

/** A read that got an answer saying no (not a transport failure, not a session or rate-limit refusal). */
export function isRefusedRead(e: unknown): boolean {
  return e instanceof BrokerUnavailableError && !(e instanceof BrokerRateLimitedError) && e.details?.httpStatus !== undefined;
}

/** The only transport failure after which placing is certainly safe to repeat: no connection was ever made. */
export function notConnectedError(what: string, cause: FyersTransportError): BrokerUnavailableError {
  return new BrokerUnavailableError(`Fyers is unreachable (${what}); nothing was sent`, { what, transport: cause.kind }, { cause });
}
