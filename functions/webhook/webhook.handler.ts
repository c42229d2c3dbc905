import { AppError, InvalidAlertError, PayloadTooLargeError } from '../../shared/errors';
import { istParts } from '../../shared/platform/ist';
import { newRequestId } from '../../shared/platform/ids';
import type { AlertOutcome } from '../../shared/orders/alert-outcome';
import type { AlertTrace } from '../../shared/orders/alert-trace';
import { placeOrderFromAlert } from '../../shared/orders/place-order-from-alert';
import { isStrategyAlert } from '../../shared/alert/strategy-alert.schema';
import { strategyFromAlert } from '../../shared/strategy/strategy-from-alert';
import type { StrategyDeps } from '../../shared/strategy/strategy.deps';
import type { AuditEntry, AuditLog } from '../../shared/store/audit.port';
import type { AlertCommitStore } from '../../shared/store/alert-commit.port';
import { commitAlert, hasAlertWrites, newAlertWrites } from '../../shared/orders/alert-writes';
import type { OrderResult } from '../../shared/orders/order-result';
import { fieldsOf } from '../../shared/errors/error-fields';
import { auditCopyOfRawAlert } from '../../shared/alert/audit-copy';
import type { RefusalDigest } from '../../shared/notify/refusal-digest';
import { errorReply, outcomeReply, type HttpReply } from '../http-response';
import type { SourceGuard } from './source-guard';

export const MAX_BODY_BYTES = 64 * 1024;

export interface WebhookRequest {
  method: string;
  rawBody: Buffer | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** The caller's address as the platform saw it (see source-guard for how it is derived). */
  sourceIp: string;
}

export interface WebhookDeps extends StrategyDeps {
  audit: AuditLog;
  /** The outcome, the order's records and the audit entry in one write, after the send. */
  alertCommit: AlertCommitStore<OrderResult>;
  guard: SourceGuard;
  refusals: RefusalDigest;
}

/** Refusals the operator hears about: TradingView shows the trader nothing of these answers. */
const TOLD_REFUSALS = new Set([400, 403, 422]);

const header = (h: WebhookRequest['headers'], name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * TradingView sends the alert message as the body, as application/json when it is valid JSON and as
 * text/plain otherwise; we parse the raw bytes ourselves either way, after the size check.
 */
function parseBody(raw: Buffer | undefined): unknown {
  if (!raw || raw.length === 0) throw new InvalidAlertError('The request has no body', { fields: { body: 'is empty; send the alert JSON' } });
  if (raw.length > MAX_BODY_BYTES) throw new PayloadTooLargeError(`The body is larger than ${MAX_BODY_BYTES} bytes`);
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new InvalidAlertError('The body is not valid JSON', { fields: { body: 'must be valid JSON (check the alert message for a missing quote or comma)' } });
  }
}

/**
 * A caller without a token is answered about the token alone: the schema's full list of complaints is
 * for whoever holds the secret (else a 44 KB body of junk fields buys a 139 KB answer).
 */
function requireToken(body: unknown): void {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return;
  const token = (body as { token?: unknown }).token;
  if (typeof token !== 'string' || token === '') {
    throw new InvalidAlertError('The alert has no token', { fields: { token: 'is required: the webhook secret, as a string' } });
  }
}

export async function handleWebhook(deps: WebhookDeps, req: WebhookRequest): Promise<HttpReply> {
  const requestId = newRequestId();
  const receivedAt = deps.clock();
  const log = deps.logger.child({ requestId });
  const trace: AlertTrace = {};
  let outcome: AlertOutcome | undefined;
  let reply: HttpReply;
  let failure: unknown;
  let body: unknown;
  const writes = newAlertWrites();
  try {
    if (req.method !== 'POST') {
      reply = { status: 405, body: { status: 'error', error: { code: 'METHOD_NOT_ALLOWED', message: 'Use POST' }, requestId }, headers: { Allow: 'POST' } };
      return reply;
    }
    deps.guard.admit(req.sourceIp, receivedAt);
    body = parseBody(req.rawBody);
    requireToken(body);
    const headerKey = header(req.headers, 'idempotency-key')?.trim().slice(0, 128) || undefined;
    const alertReq = { body, headerKey, requestId, receivedAt };
    // The order path leaves its after-send writes to us, to commit with the audit entry in one step.
    outcome = isStrategyAlert(body) ? await strategyFromAlert(deps, { ...alertReq, writes }, trace) : await placeOrderFromAlert(deps, { ...alertReq, writes }, trace);
    reply = outcomeReply(outcome, requestId);
  } catch (e) {
    failure = e;
    if (e instanceof AppError && e.code === 'UNAUTHORIZED') {
      try {
        deps.guard.recordBadToken(req.sourceIp, receivedAt);
      } catch (penalty) {
        failure = penalty;
      }
    }
    reply = errorReply(failure, requestId);
  }
  const latencyMs = deps.clock() - receivedAt;
  const status = outcome?.kind ?? (failure instanceof AppError ? failure.code.toLowerCase() : 'error');
  if (failure && !(failure instanceof AppError)) log.error('webhook failed unexpectedly', { error: failure, latencyMs });
  else log.info('alert handled', { status, httpStatus: reply.status, latencyMs, symbol: outcome?.result.symbol, orderId: outcome?.result.orderId });
  // Requests refused at the door (method, source) are not alerts and leave no audit record. Requests
  // that never proved they know the secret are not alerts either: no audit record (their text is the
  // sender's choice) and no refusal notice, only a count per source and hour for the console.
  if (req.method === 'POST' && !trace.authenticated) {
    const at = istParts(receivedAt);
    await deps.audit.countNoise(at.date, Math.floor(at.minutes / 60), req.sourceIp || 'unknown').catch((e: unknown) => log.error('could not count an unauthenticated request', { error: e }));
  } else if (req.method === 'POST') {
    const entry: AuditEntry = {
      requestId,
      receivedAt,
      day: istParts(receivedAt).date,
      status,
      httpStatus: reply.status,
      idempotencyKey: trace.idempotencyKey,
      alert: trace.alert ?? (failure ? auditCopyOfRawAlert(body) : undefined),
      instrument: trace.instrument && {
        ticker: trace.instrument.ticker,
        lotSize: trace.instrument.lotSize,
        tickSize: trace.instrument.tickSize,
        expiry: trace.instrument.expiry,
        strike: trace.instrument.strike,
        optionType: trace.instrument.optionType,
      },
      ltp: trace.ltp,
      stopLossPrice: trace.stopLossPrice,
      takeProfitPrice: trace.takeProfitPrice,
      brokerRequest: trace.brokerRequest as Record<string, unknown> | undefined,
      brokerResponse: trace.brokerResponse as Record<string, unknown> | undefined,
      orderRecordId: trace.orderRecordId,
      errorCode: failure instanceof AppError ? failure.code : failure ? 'INTERNAL' : undefined,
      message: failure instanceof AppError ? failure.publicMessage : outcome?.result.reason,
      fields: fieldsOf(failure),
      latencyMs,
    };
    // The answer never precedes the write that makes a resend safe: outcome, records and audit in one commit.
    if (hasAlertWrites(writes)) await commitAlert(deps, writes, entry);
    else await deps.audit.record(entry).catch((e: unknown) => log.error('could not write the audit record', { error: e }));
    if (failure instanceof AppError && TOLD_REFUSALS.has(reply.status)) {
      const symbol = trace.instrument?.ticker ?? (typeof trace.alert?.symbol === 'string' ? trace.alert.symbol : undefined);
      await deps.refusals.record({ at: receivedAt, requestId, httpStatus: reply.status, code: failure.code, message: failure.publicMessage, fields: fieldsOf(failure), symbol });
    }
  }
  return reply;
}
