import type { PlaceOutcome } from '../broker.port';
import { codeOf, messageOf } from './fyers.errors';
import type { FyersBody, FyersReply } from './fyers.http';
import { placeOutcome } from './fyers.place-outcome';

/** Fyers takes at most 10 orders per multi-order request. */
export const MAX_BASKET_ORDERS = 10;

/**
 * Classifies the reply to POST /multi-order/sync, one outcome per order sent. The outer `s: ok` only
 * says the request was read: each `data[i].body` decides its own order, through the same rules as a
 * single placement. When the reply cannot be matched to the orders one by one (no `data`, a different
 * count), an outer refusal with a code rejects them all, and anything else leaves them all unknown.
 */
export function basketOutcomes(reply: FyersReply, count: number): PlaceOutcome[] {
  const data = reply.body?.data;
  if (reply.httpStatus < 500 && Array.isArray(data) && data.length === count) {
    return data.map((item: unknown) => {
      const el = (item ?? {}) as { statusCode?: unknown; body?: unknown };
      const body = el.body && typeof el.body === 'object' && !Array.isArray(el.body) ? (el.body as FyersBody) : undefined;
      const httpStatus = typeof el.statusCode === 'number' ? el.statusCode : reply.httpStatus;
      return placeOutcome({ httpStatus, body, headers: reply.headers });
    });
  }
  const whole = placeOutcome(reply);
  // An outer "ok" without per-order answers says nothing about any one order.
  const each: PlaceOutcome =
    whole.status === 'rejected'
      ? whole
      : { status: 'unknown', reason: `Fyers answered the basket without per-order results (HTTP ${reply.httpStatus}, code ${codeOf(reply.body) ?? 'none'})${messageOf(reply.body) ? `: ${messageOf(reply.body)}` : ''}` };
  return Array.from({ length: count }, () => each);
}

/** Fund id 10 is "Available Balance" in GET /funds. */
export const AVAILABLE_BALANCE_ID = 10;
