import { presentedSecretMatches } from '../alert/authenticate-alert';
import { alertKey } from '../alert/idempotency-key';
import { DependencyUnavailableError, InFlightError, OutsideTradingWindowError, TradingDisabledError, UnauthorizedError } from '../errors';
import { sessionRefusal } from '../risk/trading-window';
import type { RuntimeControls } from '../store/controls.port';
import type { IdempotencyStatus } from '../store/idempotency.port';
import type { SymbolIndex } from '../symbols/instrument';
import type { AlertRequest } from './alert-request';
import type { AlertTrace } from './alert-trace';
import type { HeldClaim } from './held-claim';
import type { OrderResult } from './order-result';
import type { PlaceOrderDeps } from './place-order.deps';
import { assertInSession } from './session-gate';

/** An alert let in: authenticated, parsed, within the controls, the session and the loss limit. */
export interface Admitted<A> {
  alert: A;
  controls: RuntimeControls;
  index: SymbolIndex;
}

/**
 * The one door every alert kind goes through, in this order: the token (read and compared once; a
 * caller without the secret learns nothing about the format), the schema, the kill switch, the session
 * of the exchange the alert trades on (a strategy-wide flatten names no underlying and follows NSE's),
 * and the day's loss limit. Every refusal is thrown before anything is claimed or sent.
 */
export async function admitAlert<A extends { token: string; symbol?: string }>(
  deps: PlaceOrderDeps,
  req: AlertRequest,
  parse: (body: unknown) => A,
  trace: AlertTrace,
): Promise<Admitted<A>> {
  const presented = (req.body as { token?: unknown } | null)?.token;
  const valid = typeof presented === 'string' && (await presentedSecretMatches(deps.secrets, 'webhook-secret', presented));
  if (valid) trace.authenticated = true;
  if (typeof presented === 'string' && !valid) throw new UnauthorizedError('The alert token is not valid');
  // A missing or malformed token is left to the parser, which names the field.
  const alert = parse(req.body);
  const { token: _token, ...sanitized } = alert;
  trace.alert = sanitized;
  if (!valid) throw new UnauthorizedError('The alert token is not valid');
  const [controls, index] = await Promise.all([deps.controls(), deps.symbols()]);
  if (!controls.tradingEnabled) throw new TradingDisabledError('Trading is disabled by the kill switch');
  const s = deps.settings;
  if (s.enforceTradingWindow) {
    if (alert.symbol) assertInSession(index, alert.symbol, req.receivedAt, s.tradingWindow);
    else {
      const why = sessionRefusal(req.receivedAt, 'NSE', index.session('NSE'), s.tradingWindow);
      if (why) throw new OutsideTradingWindowError(why, { exchange: 'NSE' });
    }
  }
  await deps.lossGuard?.();
  return { alert, controls, index };
}

export type ClaimOutcome =
  | { kind: 'duplicate'; result: OrderResult }
  | { kind: 'held'; held: HeldClaim; previous?: IdempotencyStatus };

/**
 * One claim per alert key across instances. A replay of a completed alert answers with its stored
 * result; one still being worked on elsewhere is refused (TradingView retries); otherwise this request
 * holds the claim, possibly taken over from an attempt that died (`previous` says how far it got).
 */
export async function claimAlert(
  deps: PlaceOrderDeps,
  req: AlertRequest,
  body: { idempotency_key?: string },
  orderTagFor: (key: string) => string | undefined,
  trace: AlertTrace,
  /** Runs once the key is known, before the claim's round trip (quotes start beside it). */
  beside?: (key: string) => void,
): Promise<ClaimOutcome> {
  const s = deps.settings;
  // A broker that refuses everything right now (open circuit breaker) refuses here, before any claim;
  // one that will go ahead starts reading its session now, beside the claim's round trip.
  deps.broker.assertAvailable?.();
  deps.broker.prepare?.();
  const { key, fromBody } = alertKey(req.body as Record<string, unknown>, body.idempotency_key ?? req.headerKey);
  trace.idempotencyKey = key;
  const owner = `${s.instanceId}:${req.requestId}`;
  beside?.(key);
  const claim = await deps.idempotency.claim({
    key, owner, requestId: req.requestId, orderTag: orderTagFor(key), nowMs: deps.clock(),
    leaseMs: s.idempotencyLeaseMs, ttlMs: s.idempotencyTtlMs, reclaimCompletedAfterMs: fromBody ? s.dedupWindowMs : undefined,
  });
  switch (claim.kind) {
    case 'completed':
      if (!claim.record.result) throw new DependencyUnavailableError('A completed alert record has no stored result');
      return { kind: 'duplicate', result: claim.record.result };
    case 'in-flight':
      throw new InFlightError('The same alert is still being processed; not placing it again', { requestId: claim.record.requestId });
    case 'recover':
      return { kind: 'held', held: { record: claim.record, owner }, previous: claim.previous };
    case 'claimed':
      return { kind: 'held', held: { record: claim.record, owner } };
  }
}
