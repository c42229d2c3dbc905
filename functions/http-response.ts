import * as E from '../shared/errors';
import type { OrderResult } from '../shared/orders/order-result';
import type { AlertOutcome } from '../shared/orders/alert-outcome';

/** The one place where outcomes and errors become HTTP statuses. */
export interface HttpReply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

const STATUS: ReadonlyArray<[new (...args: never[]) => E.AppError, number]> = [
  [E.InvalidAlertError, 400],
  [E.UnauthorizedError, 401],
  [E.TradingDisabledError, 403],
  [E.OutsideTradingWindowError, 403],
  [E.ForbiddenSourceError, 403],
  [E.NotFoundError, 404],
  [E.MethodNotAllowedError, 405],
  [E.InFlightError, 409],
  [E.PayloadTooLargeError, 413],
  [E.UnknownInstrumentError, 422],
  [E.RiskRefusedError, 422],
  [E.BrokerRejectedError, 422],
  [E.TooManyRequestsError, 429],
  // 503s: only errors raised when it is certain nothing reached the broker; TradingView will retry them.
  [E.BrokerUnavailableError, 503],
  [E.SessionExpiredError, 503],
  [E.DependencyUnavailableError, 503],
];

export function statusOf(error: E.AppError): number {
  for (const [cls, status] of STATUS) if (error instanceof cls) return status;
  return 500;
}

/** Only what a caller may see: code, message and the non-secret details we chose to attach. */
export function errorReply(error: unknown, requestId: string): HttpReply {
  if (error instanceof E.AppError) {
    const status = statusOf(error);
    const body: Record<string, unknown> = { status: 'error', error: { code: error.code, message: error.publicMessage }, requestId };
    // Errors about one field (risk, instrument) carry `field`; answer with the same `fields` shape as a 400.
    const field = error.details?.field;
    const fields = error.details?.fields ?? (typeof field === 'string' ? { [field]: error.publicMessage } : undefined);
    if (fields) (body.error as Record<string, unknown>).fields = fields;
    const headers: Record<string, string> = {};
    const retryAfterMs = Number(error.details?.retryAfterMs);
    if (status === 503 || status === 429) headers['Retry-After'] = String(Number.isFinite(retryAfterMs) ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : 5);
    return { status, body, headers };
  }
  return { status: 500, body: { status: 'error', error: { code: 'INTERNAL', message: 'Internal error' }, requestId } };
}

/**
 * What the trader is told an order became. An order at the broker is `accepted`; `filled` only when the
 * broker said so, because a price-protected MARKET order (MPP) can rest unfilled when the price gaps.
 */
const answerStatus = (r: OrderResult): string => (r.status === 'placed' ? (r.filled ? 'filled' : 'accepted') : r.status);

export function outcomeReply(outcome: AlertOutcome, requestId: string): HttpReply {
  const r = outcome.result;
  switch (outcome.kind) {
    case 'placed':
      // Levels are always present (null when the alert set none) so a consumer can rely on the shape.
      return { status: 200, body: { ...r, ltp: r.ltp ?? null, stopLossPrice: r.stopLossPrice ?? null, takeProfitPrice: r.takeProfitPrice ?? null, status: answerStatus(r), requestId } };
    case 'duplicate':
      return { status: 200, body: { ...r, status: 'duplicate', originalStatus: answerStatus(r), originalRequestId: r.requestId, requestId } };
    case 'rejected':
      return {
        status: 422,
        body: { ...r, status: 'rejected', error: { code: 'BROKER_REJECTED', message: r.reason ?? 'rejected by the broker' }, requestId },
      };
    case 'unknown':
      // 202, never 5xx: the order may exist, and a TradingView resend must not place it again.
      return { status: 202, body: { ...r, status: 'unknown', requestId } };
  }
}
