import type { PlaceOutcome, SliceOutcome } from '../broker.port';
import { codeOf, messageOf } from './fyers.errors';
import type { FyersReply } from './fyers.http';

/** Fyers' "request sent, no acknowledgement": the order may exist; look it up, never re-send. */
const NO_ACK = 201;
/** -96 unexpected error, -201..-205 connection errors (legacy sheet): Fyers itself doesn't know what happened. */
const AMBIGUOUS_CODES: ReadonlySet<number> = new Set([-96, -201, -202, -204, -205]);

/**
 * Fyers names the leg fields when it refuses an order over its TP/SL legs ("StopLoss not a multiple of
 * tick size", "legType is only allowed for…", "TP/SL not allowed for this contract"). The wording is not
 * documented as a code, so the fields it names decide; only an order that carried legs acts on it.
 */
const LEG_REFUSAL = /\b(stop ?loss|take ?profit|leg ?type|tp ?\/ ?sl|sl ?\/ ?tp)\b/i;
export const refusedForLegs = (message: string | undefined): boolean => !!message && LEG_REFUSAL.test(message);

/**
 * Classifies a reply to POST /orders/sync that is neither a dead session nor a rate limit (those throw first).
 * Only a well-formed answer decides: `s:'ok'` with an id is placed; `s:'error'` with a code is rejected;
 * 5xx, code 201, unreadable bodies and anything else are unknown, because the order may have been taken.
 */
export function placeOutcome(reply: FyersReply): PlaceOutcome {
  const { body, httpStatus } = reply;
  const code = codeOf(body);
  const message = messageOf(body);
  if (httpStatus >= 500) return { status: 'unknown', reason: `Fyers answered HTTP ${httpStatus}${message ? `: ${message}` : ''}` };
  if (!body) return { status: 'unknown', reason: `Fyers answered HTTP ${httpStatus} without a readable body` };
  if (code === NO_ACK) return { status: 'unknown', reason: `Fyers sent the order but got no acknowledgement (code 201)${message ? `: ${message}` : ''}` };
  const id = typeof body.id === 'string' || typeof body.id === 'number' ? String(body.id) : '';
  if (Array.isArray(body.data) && !id) return sliceOutcome(body.data, message);
  if (body.s === 'ok') {
    if (id) return { status: 'placed', orderId: id, ...(message ? { message } : {}) };
    return { status: 'unknown', reason: `Fyers said ok without an order id (code ${code ?? 'none'})` };
  }
  if (body.s === 'error' && code !== undefined && !AMBIGUOUS_CODES.has(code)) {
    return { status: 'rejected', code, reason: message || `Fyers refused the order (code ${code})`, ...(refusedForLegs(message) ? { legsRefused: true } : {}) };
  }
  if (body.s === 'error' && code === undefined && httpStatus >= 400) {
    return { status: 'rejected', code: httpStatus, reason: message || `Fyers refused the order (HTTP ${httpStatus})` };
  }
  return { status: 'unknown', reason: `Unexpected Fyers reply (HTTP ${httpStatus}, code ${code ?? 'none'})${message ? `: ${message}` : ''}` };
}

/**
 * A sliced order's answer: `{code:1101, message:"Order Slice placed successfully", data:[{statusCode, body:{s,id,…}}, …]}`,
 * one element per slice. Any accepted slice makes the order placed (its first id is the order's id) and every
 * slice is listed; none accepted is a rejection; an element without a readable verdict makes the whole unknown,
 * because that slice may exist.
 */
function sliceOutcome(data: unknown[], message: string | undefined): PlaceOutcome {
  const slices: SliceOutcome[] = [];
  for (const el of data) {
    const b = (el as { body?: Record<string, unknown> } | null)?.body;
    const sid = b && (typeof b.id === 'string' || typeof b.id === 'number') ? String(b.id) : '';
    if (b?.s === 'ok' && sid) slices.push({ orderId: sid, status: 'accepted' });
    else if (b?.s === 'error') slices.push({ status: 'rejected', code: codeOf(b), reason: messageOf(b) || 'slice refused' });
    else return { status: 'unknown', reason: `Fyers answered a sliced order without a verdict for slice ${slices.length + 1}${message ? `: ${message}` : ''}` };
  }
  const first = slices.find((s): s is Extract<SliceOutcome, { status: 'accepted' }> => s.status === 'accepted');
  if (first) return { status: 'placed', orderId: first.orderId, slices, ...(message ? { message } : {}) };
  const r = slices[0];
  if (!r || r.status !== 'rejected') return { status: 'unknown', reason: 'Fyers answered a sliced order with no slices' };
  return { status: 'rejected', code: r.code ?? 'SLICES_REJECTED', reason: `every slice was refused: ${r.reason}` };
}
