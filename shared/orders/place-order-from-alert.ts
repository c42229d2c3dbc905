import { parseAlert } from '../alert/parse-alert';
import { tokenMatches } from '../alert/authenticate-alert';
import { alertKey, orderTagFor } from '../alert/idempotency-key';
import type { OrderRequest, PlaceOutcome } from '../broker/broker.port';
import {
  AppError,
  BrokerUnavailableError,
  DependencyUnavailableError,
  InFlightError,
  RiskRefusedError,
  TradingDisabledError,
  UnauthorizedError,
} from '../errors';
import { istParts } from '../platform/ist';
import { reduceOnlyLots } from '../risk/lot-sizing';
import type { IdempotencyRecord } from '../store/idempotency.port';
import type { AlertOutcome } from './alert-outcome';
import type { AlertTrace } from './alert-trace';
import { computeBracket } from './bracket';
import { findExistingOrder, isRejectedStatus } from './find-existing-order';
import type { OrderResult } from './order-result';
import type { PlaceOrderDeps } from './place-order.deps';
import { prepareOrder } from './prepare-order';
import { assertInSession } from './session-gate';
import { acceptedDetails, assertLimitNearLtp, foundFilled, sliceUnits, slicesFromOrderbook } from './accepted-order';
import { protectionFields } from './order-protection';
import type { PreparedOrder } from './prepared-order';

export interface AlertRequest {
  /** The JSON-parsed body. */
  body: unknown;
  /** Idempotency-Key header, if sent. */
  headerKey?: string;
  requestId: string;
  receivedAt: number;
}

/**
 * The story of one alert: validate, authenticate, apply the controls, resolve the contract, claim the
 * alert across instances, size and protect the order, place it exactly once, and record what happened.
 *
 * Refusals before anything reaches the broker are thrown as AppErrors (and leave no claim behind).
 * Once an order may have reached the broker, this function no longer throws: it resolves to `placed`,
 * `rejected` or `unknown`, so the caller never answers 5xx for an order that might exist.
 */
export async function placeOrderFromAlert(deps: PlaceOrderDeps, req: AlertRequest, trace: AlertTrace = {}): Promise<AlertOutcome> {
  // A caller without the secret learns nothing about the alert format: a wrong token is refused before
  // the schema speaks. A missing or malformed token is left to the parser, which names the field.
  const presented = (req.body as { token?: unknown } | null)?.token;
  const secret = await deps.secrets.get('webhook-secret');
  if (typeof presented === 'string' && !tokenMatches(presented, secret)) throw new UnauthorizedError('The alert token is not valid');
  const alert = parseAlert(req.body, { protection: deps.settings.protection });
  const { token: _token, ...sanitized } = alert;
  trace.alert = sanitized;
  if (!tokenMatches(alert.token, secret)) throw new UnauthorizedError('The alert token is not valid');
  const controls = await deps.controls();
  if (!controls.tradingEnabled) throw new TradingDisabledError('Trading is disabled by the kill switch');
  const s = deps.settings;
  const index = await deps.symbols();
  if (s.enforceTradingWindow) assertInSession(index, alert.symbol, req.receivedAt, s.tradingWindow);

  const prepared = await prepareOrder(alert, {
    index,
    broker: deps.broker,
    controls,
    maxLots: s.maxLots,
    coverOnlyBuy: s.coverOnlyBuy,
    freezeQtyOverrides: s.freezeQtyOverrides,
    nowMs: deps.clock(),
  });
  trace.instrument = prepared.instrument;

  const { key, fromBody } = alertKey(req.body as Record<string, unknown>, alert.idempotency_key ?? req.headerKey);
  trace.idempotencyKey = key;
  const owner = `${s.instanceId}:${req.requestId}`;
  const tagAllowed = prepared.productType !== 'CO' && prepared.productType !== 'BO';
  const claim = await deps.idempotency.claim({
    key,
    owner,
    requestId: req.requestId,
    orderTag: tagAllowed ? orderTagFor(key, req.requestId) : undefined,
    nowMs: deps.clock(),
    leaseMs: s.idempotencyLeaseMs,
    ttlMs: s.idempotencyTtlMs,
    reclaimCompletedAfterMs: fromBody ? s.dedupWindowMs : undefined,
  });

  switch (claim.kind) {
    case 'completed':
      if (!claim.record.result) throw new DependencyUnavailableError('A completed alert record has no stored result');
      return { kind: 'duplicate', result: claim.record.result };
    case 'in-flight':
      throw new InFlightError('The same alert is still being processed; not placing it again', { requestId: claim.record.requestId });
    case 'recover':
      return recoverThenExecute(deps, req, prepared, claim.record, claim.previous, owner, trace);
    case 'claimed':
      return execute(deps, req, prepared, claim.record, owner, trace);
  }
}

async function recoverThenExecute(
  deps: PlaceOrderDeps,
  req: AlertRequest,
  prepared: PreparedOrder,
  record: IdempotencyRecord,
  previous: string,
  owner: string,
  trace: AlertTrace,
): Promise<AlertOutcome> {
  let existing;
  try {
    existing = await findExistingOrder(deps.broker, {
      orderTag: record.orderTag,
      symbol: prepared.instrument.ticker,
      side: prepared.side,
      qty: record.result?.qty ?? prepared.lots * prepared.instrument.lotSize,
      since: record.createdAt,
    });
  } catch (e) {
    // We cannot tell whether the earlier attempt reached the broker: keep the claim's state and refuse for
    // now. A 503 is safe here although an order may exist: the claim goes back to its state, so a
    // TradingView resend only repeats this lookup, and it may well succeed once the orderbook answers.
    await deps.idempotency.release(record.key, owner).catch(() => undefined);
    throw e instanceof AppError ? e : new DependencyUnavailableError('Could not check the orderbook for an earlier attempt', undefined, { cause: e });
  }
  if (existing) {
    trace.brokerResponse = { recovered: { orderId: existing.order.orderId, status: existing.order.status, method: existing.method } };
    const rejected = isRejectedStatus(existing.order.status);
    const result: OrderResult = {
      ...baseResult(req, prepared, record, record.result?.lots ?? prepared.lots),
      ...(record.result ?? {}),
      status: rejected ? 'rejected' : 'placed',
      requestId: record.result?.requestId ?? record.requestId,
      orderId: existing.order.orderId,
      filled: foundFilled(existing) || undefined,
      ...slicesFromOrderbook(existing),
      reason: rejected ? existing.order.message ?? 'rejected by the broker' : undefined,
      recoveredBy: existing.method,
    };
    await finish(deps, record.key, owner, result);
    await deps.notifier.notify({
      kind: 'order.recovered',
      severity: 'warning',
      summary: `Recovered ${result.status} order ${result.orderId} for ${result.symbol} by ${existing.method}`,
      requestId: req.requestId,
      at: deps.clock(),
      details: { previous },
    });
    return { kind: rejected ? 'rejected' : 'placed', result };
  }
  // Without a tag (CO/BO) "not found" proves nothing: the match on symbol, side, qty and time can miss an
  // order that exists. Re-sending could double the position, so both cases stay unknown for a human.
  if (previous === 'unknown' || !record.orderTag) {
    const result: OrderResult = {
      ...baseResult(req, prepared, record, prepared.lots),
      ...(record.result ?? {}),
      status: 'unknown',
      reason:
        previous === 'unknown'
          ? 'An earlier attempt was sent but never confirmed, and the orderbook does not show it yet'
          : 'An earlier attempt of this untaggable (CO/BO) order was interrupted and no matching order is visible; not re-sending',
    };
    await finish(deps, record.key, owner, result);
    await deps.notifier.notify({
      kind: 'order.unknown',
      severity: 'critical',
      summary: `Order for ${result.symbol} ${result.side} ${result.qty} is still UNKNOWN after a retry; check the Fyers orderbook${result.orderTag ? ` for tag ${result.orderTag}` : ''}`,
      requestId: req.requestId,
      at: deps.clock(),
      details: { previous, orderTag: result.orderTag },
    });
    return { kind: 'unknown', result };
  }
  // The previous owner died holding the claim, and the orderbook shows nothing under its tag:
  // the order never reached the broker, so placing it now is the one and only placement.
  deps.logger.warn('taking over an abandoned claim; no order found at the broker', { key: record.key, takeovers: record.takeovers, previous });
  return execute(deps, req, prepared, record, owner, trace);
}

function baseResult(req: AlertRequest, p: PreparedOrder, record: IdempotencyRecord, lots: number): OrderResult {
  return {
    status: 'unknown',
    requestId: req.requestId,
    symbol: p.instrument.ticker,
    side: p.side,
    productType: p.productType,
    lots,
    qty: lots * p.instrument.lotSize,
    orderTag: record.orderTag,
  };
}

async function finish(deps: PlaceOrderDeps, key: string, owner: string, result: OrderResult): Promise<void> {
  try {
    const owned = await deps.idempotency.complete(key, owner, result, deps.clock());
    if (!owned) deps.logger.error('claim was lost before the result could be recorded', { key, status: result.status });
  } catch (e) {
    // The order's fate is already decided; a later retry recovers it by tag once the lease lapses.
    deps.logger.error('could not record the outcome of an alert', { key, status: result.status, error: e });
  }
}

/**
 * How many lots a reduce-only order may take without flipping the position. Positions only move when
 * orders fill, so two closes close together would both see the whole position: the contract is held
 * for a settle time (a second close gets a certain-nothing-sent 503 and TradingView resends it after
 * 5 s, by which time the first has filled), and orders still working on the closing side count as
 * already closing.
 */
async function closableLots(deps: PlaceOrderDeps, p: PreparedOrder, owner: string): Promise<number> {
  const inst = p.instrument;
  const settleMs = deps.settings.reduceOnlySettleMs;
  if (!(await deps.leases.tryAcquire(`reduce-only:${inst.ticker}:${p.productType}`, owner, settleMs, deps.clock()))) {
    throw new DependencyUnavailableError('Another close of this contract is still settling; nothing was sent. TradingView will retry.', { retryAfterMs: settleMs });
  }
  const [positions, orders] = await Promise.all([deps.broker.getPositions(), deps.broker.findOrders({})]);
  const same = (x: { symbol: string; productType: string }) => x.symbol === inst.ticker && x.productType === p.productType;
  const netQty = positions.filter(same).reduce((sum, pos) => sum + pos.netQty, 0);
  // 4 = transit, 6 = pending: accepted but not filled. Their full quantity counts (conservative on partial fills).
  const working = orders.filter((o) => same(o) && o.side === p.side && (o.status === 4 || o.status === 6)).reduce((sum, o) => sum + o.qty, 0);
  const effective = netQty > 0 ? Math.max(0, netQty - working) : Math.min(0, netQty + working);
  return reduceOnlyLots(p.lots, p.side, effective, inst.lotSize);
}

/** Builds the order with the claim held. Anything thrown here happened before the broker saw the order. */
async function buildOrder(deps: PlaceOrderDeps, p: PreparedOrder, record: IdempotencyRecord, owner: string, trace: AlertTrace) {
  let lots = p.lots;
  const inst = p.instrument;
  if (p.reduceOnly) lots = await closableLots(deps, p, owner);
  const ltp = (await deps.broker.getQuotes([inst.ticker])).get(inst.ticker);
  if (!(ltp && ltp > 0)) throw new DependencyUnavailableError(`No live price for ${inst.ticker}`);
  trace.ltp = ltp;
  if (p.orderType === 'LIMIT') assertLimitNearLtp(p.limitPrice!, ltp, deps.settings.limitPriceBandPercent);
  const bracket = computeBracket({ side: p.side, entry: p.orderType === 'LIMIT' ? p.limitPrice! : ltp, tickSize: inst.tickSize, sl: p.sl, tp: p.tp });
  trace.stopLossPrice = bracket.stopLossPrice;
  trace.takeProfitPrice = bracket.takeProfitPrice;
  const controls = await deps.controls();
  let capDay: string | undefined;
  if (controls.dailyOrderCap !== undefined) {
    const day = istParts(deps.clock()).date;
    if (!(await deps.reserveDailyOrder(day, controls.dailyOrderCap))) {
      throw new RiskRefusedError(`The daily order cap of ${controls.dailyOrderCap} orders is reached`);
    }
    capDay = day;
  }
  const protection = protectionFields(deps.settings.protection, p.productType, bracket);
  const slices = sliceUnits(lots * inst.lotSize, inst.lotSize, p.freezeQty);
  const order: OrderRequest = {
    symbol: inst.ticker,
    qty: lots * inst.lotSize,
    side: p.side,
    orderType: p.orderType,
    limitPrice: p.orderType === 'LIMIT' ? p.limitPrice : undefined,
    productType: p.productType,
    ...protection.order,
    orderTag: record.orderTag,
    ...(slices.length > 1 ? { slice: true } : {}),
  };
  trace.brokerRequest = order;
  return { order, lots, ltp, bracket, capDay, slices, managed: protection.managed };
}

async function execute(
  deps: PlaceOrderDeps,
  req: AlertRequest,
  p: PreparedOrder,
  record: IdempotencyRecord,
  owner: string,
  trace: AlertTrace,
): Promise<AlertOutcome> {
  let built: Awaited<ReturnType<typeof buildOrder>> | undefined;
  let outcome: PlaceOutcome;
  try {
    built = await buildOrder(deps, p, record, owner, trace);
    // Fencing by time: the order leaves early enough that even a broker timeout ends before the lease
    // lapses, so no other instance can take the claim over while this send is still undecided.
    outcome = await placeWithinBudget(deps, req, built.order, record.leaseUntil - deps.settings.sendMarginMs);
  } catch (e) {
    // Certain that nothing reached the broker: free the key so TradingView's retry (or a corrected alert)
    // can go through, and give back the daily-cap slot so a resend does not use up a second one.
    if (built?.capDay) await deps.releaseDailyOrder(built.capDay).catch((err: unknown) => deps.logger.warn('could not give back a daily-cap slot', { error: err }));
    await deps.idempotency.release(record.key, owner).catch((err: unknown) => deps.logger.error('could not release a claim', { key: record.key, error: err }));
    throw e;
  }
  trace.brokerResponse = outcome;
  const result: OrderResult = {
    ...baseResult(req, p, record, built.lots),
    ltp: built.ltp,
    stopLossPrice: built.bracket.stopLossPrice,
    takeProfitPrice: built.bracket.takeProfitPrice,
  };

  try {
    if (outcome.status === 'placed') {
      Object.assign(result, { status: 'placed', orderId: outcome.orderId, ...acceptedDetails(outcome, built.slices, built.managed) });
    } else if (outcome.status === 'rejected') {
      Object.assign(result, { status: 'rejected', reason: outcome.reason, brokerCode: outcome.code });
    } else {
      const found = await findExistingOrder(deps.broker, {
        orderTag: record.orderTag,
        symbol: built.order.symbol,
        side: built.order.side,
        qty: built.order.qty,
        since: record.createdAt,
      }).catch(() => undefined);
      if (found) {
        const rejected = isRejectedStatus(found.order.status);
        Object.assign(result, {
          status: rejected ? 'rejected' : 'placed',
          orderId: found.order.orderId,
          filled: foundFilled(found) || undefined,
          ...slicesFromOrderbook(found),
          reason: rejected ? found.order.message ?? 'rejected by the broker' : undefined,
          recoveredBy: found.method,
        });
      } else {
        Object.assign(result, { status: 'unknown', reason: outcome.reason });
      }
    }
  } catch (e) {
    deps.logger.error('unexpected error after sending an order', { requestId: req.requestId, error: e });
    Object.assign(result, { status: 'unknown', reason: 'internal error after the order was sent' });
  }

  await finish(deps, record.key, owner, result);
  if (result.status !== 'placed') {
    await deps.notifier.notify({
      kind: result.status === 'rejected' ? 'order.rejected' : 'order.unknown',
      severity: result.status === 'rejected' ? 'warning' : 'critical',
      summary:
        result.status === 'rejected'
          ? `Order for ${result.symbol} ${result.side} ${result.qty} rejected: ${result.reason}`
          : `Order for ${result.symbol} ${result.side} ${result.qty} has an UNKNOWN outcome; check the Fyers orderbook for tag ${result.orderTag ?? '(untagged)'}`,
      requestId: req.requestId,
      at: deps.clock(),
      details: { orderTag: result.orderTag, brokerCode: result.brokerCode },
    });
  }
  return { kind: result.status, result };
}

/**
 * One placement, with at most one retry when the broker's rate limiter (429) says "later" and later
 * still fits inside TradingView's patience. A 429 is a certain non-placement, so retrying is safe.
 */
async function placeWithinBudget(deps: PlaceOrderDeps, req: AlertRequest, order: OrderRequest, notAfter: number): Promise<PlaceOutcome> {
  try {
    return await deps.broker.placeOrder(order, { notAfter });
  } catch (e) {
    const retryAfterMs = e instanceof BrokerUnavailableError ? Number(e.details?.retryAfterMs) : NaN;
    const deadline = Math.min(req.receivedAt + deps.settings.responseBudgetMs, notAfter);
    if (!Number.isFinite(retryAfterMs) || deps.clock() + retryAfterMs + 500 > deadline) throw e;
    await new Promise((r) => setTimeout(r, retryAfterMs));
    return deps.broker.placeOrder(order, { notAfter });
  }
}
