import { venueOf } from './strategy-venue';
import { parseAlert } from '../alert/parse-alert';
import { orderTagFor } from '../alert/idempotency-key';
import { admitAlert, claimAlert } from './admission';
import type { OrderRequest, PlaceOutcome } from '../broker/broker.port';
import { NothingSentError, type Execution } from './execute/execute-plan';
import type { OrderPlan } from './execute/order-plan';
import { DependencyUnavailableError, RiskRefusedError, TradingDisabledError } from '../errors';
import { istParts } from '../platform/ist';
import type { RuntimeControls } from '../store/controls.port';
import type { AlertOutcome } from './alert-outcome';
import type { AlertTrace } from './alert-trace';
import { bracketLevels, computeBracket } from './bracket';
import { findExistingOrder, resultFromFound } from './find-existing-order';
import { notifyOutcome } from './notify-outcome';
import type { OrderResult } from './order-result';
import type { PlaceOrderDeps } from './place-order.deps';
import { planOrder, sizeFromMarket } from './prepare-order';
import type { PreparedOrder } from './prepared-order';
import { recoverEarlierAttempt } from './recover-order';
import { closableLots, settleCloseHold } from './reduce-only-sizing';
import type { AlertRequest } from './alert-request';
import { baseResult, finish, releaseClaim, type HeldClaim } from './held-claim';
import { acceptedDetails, assertLimitNearLtp, sliceUnits } from './accepted-order';
import { protectionFor, type Protection } from './order-protection';
import { offsetPoints, pointsOf } from '../alert/offset';

export type { AlertRequest } from './alert-request';

/** A rate-limited send may be retried (by the pacer) only if it can still leave this long before TradingView's deadline. */
const RETRY_MARGIN_MS = 500;

/**
 * The story of one alert: authenticate and validate it, apply the controls, resolve the contract,
 * claim the alert across instances, size and protect the order, place it exactly once, and record
 * what happened.
 *
 * Refusals before anything reaches the broker are thrown as AppErrors (and leave no claim behind).
 * Once an order may have reached the broker, this function no longer throws: it resolves to `placed`,
 * `rejected` or `unknown`, so the caller never answers 5xx for an order that might exist.
 *
 * Broker calls per alert: none for a resend (the claim answers it); for a MARKET order the order alone
 * (named strike) or the underlying's quote and the order (ATM, the quote taken beside the claim). The
 * reply's LTP is a price another read took within a second, or left out: never a call of its own. A
 * LIMIT order (checked against the option's price) or a size from funds also asks for the option's quote.
 */
export async function placeOrderFromAlert(deps: PlaceOrderDeps, req: AlertRequest, trace: AlertTrace = {}): Promise<AlertOutcome> {
  const { alert, controls, index } = await admitAlert(deps, req, (body) => parseAlert(body, { protection: deps.settings.protection }), trace);
  const s = deps.settings;
  // A trader who set a strategy to paper expects none of its alerts at the broker. The single-order
  // path has no paper venue, so an alert labelled with that strategy is refused, not sent live.
  if (venueOf(alert.strategy, controls, s.paperStrategies ?? []) === 'paper') {
    throw new RiskRefusedError(`Strategy ${alert.strategy} trades on paper (forward test), and a single-order alert cannot: send it as a strategy alert (position or legs), or switch the strategy to live; nothing was sent`, { field: 'strategy' });
  }
  const plan = planOrder(alert, { index, controls, maxLots: s.maxLots, coverOnlyBuy: s.coverOnlyBuy, freezeQtyOverrides: s.freezeQtyOverrides, nowMs: deps.clock() });
  if (plan.kind === 'ready') trace.instrument = plan.prepared.instrument;

  // Quotes start beside the claim: the underlying's for ATM (it picks the strike), the option's for a
  // named strike (it only feeds the reply, and so never lags behind the order). A key this instance saw
  // lately is most likely a resend: it claims first, so a resend costs no broker call.
  let spot: Promise<number | undefined> | undefined;
  let optionQuote: Promise<number | undefined> | undefined;
  // Every order is tagged (CO/BO, which Fyers forbade to tag, are gone), so every one can be found again.
  const claim = await claimAlert(deps, req, alert, (key) => orderTagFor(key, req.requestId), trace, (key) => {
    const fresh = !deps.recentKeys?.has(key);
    deps.recentKeys?.add(key);
    if (!fresh) return;
    if (plan.kind === 'needs-spot') spot = quoteOf(deps, plan.spotTicker);
    else if (needsOptionQuote(plan.prepared)) optionQuote = quoteOf(deps, plan.prepared.instrument.ticker);
  });
  if (claim.kind === 'duplicate') return claim;

  const { held } = claim;
  let prepared: PreparedOrder;
  try {
    prepared = plan.kind === 'ready' ? plan.prepared : plan.finish(await (spot ?? quoteOf(deps, plan.spotTicker)));
  } catch (e) {
    await releaseClaim(deps, held);
    throw e;
  }
  trace.instrument = prepared.instrument;

  if (claim.previous !== undefined) {
    const recovered = await recoverEarlierAttempt(deps, req, prepared, held, claim.previous, trace);
    if (recovered) return recovered;
  }
  return execute(deps, req, prepared, held, controls, trace, optionQuote);
}

/**
 * One ticker's LTP (undefined when the broker has none). Started early and awaited later, so a failure
 * is marked handled here and still rejects for whoever awaits it (a dead session stays a dead session).
 */
function quoteOf(deps: PlaceOrderDeps, ticker: string): Promise<number | undefined> {
  const q = deps.broker.getQuotes([ticker]).then((m) => m.get(ticker));
  q.catch(() => undefined);
  return q;
}

/**
 * Whether the order itself needs the option's price: a LIMIT checked against it, a size computed from
 * it. A MARKET order does not; its reply takes a recent shared price or none (see PlaceOrderDeps.recentQuote).
 */
const needsOptionQuote = (p: PreparedOrder) => p.orderType === 'LIMIT' || p.sizing !== undefined;

/** The reply's price only: a failed quote must not turn a sent order into an error. */
const replyPrice = (deps: PlaceOrderDeps, quote: Promise<number | undefined>, ticker: string) =>
  quote.catch((e: unknown) => {
    deps.logger.warn('no price for the reply', { ticker, error: e });
    return undefined;
  });

/** The kill switch, read again as the order is about to leave (the first read was before the claim). */
async function stillTrading(deps: PlaceOrderDeps): Promise<void> {
  if (!(await deps.controls()).tradingEnabled) throw new TradingDisabledError('Trading is disabled by the kill switch');
}

/** Counts the order against the day's cap, when one is set. Returns the day to give the slot back to. */
async function reserveDailySlot(deps: PlaceOrderDeps, controls: RuntimeControls): Promise<string | undefined> {
  if (controls.dailyOrderCap === undefined) return undefined;
  const day = istParts(deps.clock()).date;
  if (!(await deps.reserveDailyOrder(day, controls.dailyOrderCap))) {
    throw new RiskRefusedError(`The daily order cap of ${controls.dailyOrderCap} orders is reached`);
  }
  return day;
}

/**
 * Sizes, protects and sends the order with the claim held, then records the outcome. A MARKET order
 * leaves as soon as it is sized: Fyers takes SL/TP as offsets, so the option's LTP only feeds the
 * levels in the reply, from a recent shared quote when there is one. A LIMIT order waits for the
 * option's quote, the one place where a price check before sending belongs.
 */
async function execute(
  deps: PlaceOrderDeps,
  req: AlertRequest,
  p: PreparedOrder,
  held: HeldClaim,
  controls: RuntimeControls,
  trace: AlertTrace,
  earlyQuote?: Promise<number | undefined>,
): Promise<AlertOutcome> {
  const inst = p.instrument;
  const { record } = held;
  const quote = needsOptionQuote(p) ? (earlyQuote ?? quoteOf(deps, inst.ticker)) : undefined;
  let capDay: string | undefined;
  let order: OrderRequest;
  let lots: number;
  let ltp: number | undefined;
  let outcome: PlaceOutcome;
  let protection: Protection;
  let slices: number[];
  let execution: Execution;
  try {
    // A size from risk or funds is computed here, with the quote already on its way.
    if (p.sizing) p = { ...p, lots: await sizeFromMarket(deps.broker, p, quote!) };
    const notAfter = record.leaseUntil - deps.settings.sendMarginMs;
    lots = p.reduceOnly ? await closableLots(deps, p, held.owner, notAfter) : p.lots;
    if (p.orderType === 'LIMIT') {
      ltp = await quote!;
      if (!(ltp && ltp > 0)) throw new DependencyUnavailableError(`No live price for ${inst.ticker}`);
      assertLimitNearLtp(p.limitPrice!, ltp, deps.settings.limitPriceBandPercent);
      // A points stop wider than the limit price is refused before anything leaves.
      computeBracket({ side: p.side, entry: p.limitPrice!, tickSize: inst.tickSize, sl: pointsOf(p.sl), tp: pointsOf(p.tp) });
    }
    protection = protectionFor(deps.settings.protection, p.side, inst.tickSize, { sl: p.sl, tp: p.tp, trail: p.trail });
    slices = sliceUnits(lots * inst.lotSize, inst.lotSize, p.freezeQty);
    capDay = await reserveDailySlot(deps, controls);
    order = {
      symbol: inst.ticker,
      qty: lots * inst.lotSize,
      side: p.side,
      orderType: p.orderType,
      limitPrice: p.orderType === 'LIMIT' ? p.limitPrice : undefined,
      productType: p.productType,
      ...protection.order,
      orderTag: record.orderTag,
    };
    trace.brokerRequest = slices.length > 1 ? { ...order, slice: true } : order;
    // Fencing by time: the order leaves early enough that even a broker timeout ends before the lease
    // lapses, so no other instance can take the claim over while this send is still undecided.
    await stillTrading(deps);
    execution = await deps.executor.run(onePlan(req, p, order, lots, protection, req.writes ? 'commit' : true, {
      notAfter,
      retryUntil: req.receivedAt + deps.settings.responseBudgetMs - RETRY_MARGIN_MS,
      // The order may wait in the pacer behind a burst: a kill switch set meanwhile still stops it.
      beforeSend: () => stillTrading(deps),
    }, typeof trace.alert?.strategy === 'string' ? trace.alert.strategy : undefined));
    outcome = execution.outcomes.get(0) ?? { status: 'unknown', reason: 'the executor gave no answer' };
  } catch (err) {
    const e = err instanceof NothingSentError ? err.cause : err;
    if (p.reduceOnly) await settleCloseHold(deps, p, held.owner, false);
    // Certain that nothing reached the broker: free the key and give back the daily-cap slot, so a
    // resend does not use up a second one.
    if (capDay) await deps.releaseDailyOrder(capDay).catch((err: unknown) => deps.logger.warn('could not give back a daily-cap slot', { error: err }));
    await releaseClaim(deps, held);
    throw e;
  }
  trace.brokerResponse = outcome;
  if (p.reduceOnly) await settleCloseHold(deps, p, held.owner, true);
  const result: OrderResult = baseResult(req, p, record, lots);
  try {
    ltp ??= quote ? await replyPrice(deps, quote, inst.ticker) : deps.recentQuote?.(inst.ticker);
    // The reply's levels from the expected entry (the fill decides the real ones for a percent or managed stop).
    const entry = p.orderType === 'LIMIT' ? p.limitPrice : ltp;
    const levels = bracketLevels({
      side: p.side, tickSize: inst.tickSize, entry,
      stopLossOffset: p.sl === undefined || !entry ? undefined : offsetPoints(p.sl, entry),
      takeProfitOffset: p.tp === undefined || !entry ? undefined : offsetPoints(p.tp, entry),
    });
    Object.assign(trace, { ltp, stopLossPrice: levels.stopLossPrice, takeProfitPrice: levels.takeProfitPrice });
    Object.assign(result, { ltp, ...levels });
    const notes = [...(p.note ? [p.note] : []), ...execution.notes];
    if (notes.length) result.notes = notes;
    const managed = protection.exits ?? (execution.notes.length ? protection.exitsIfLegsRefused : undefined);
    if (outcome.status === 'placed') Object.assign(result, { status: 'placed', orderId: outcome.orderId, ...acceptedDetails(outcome, slices, managed ? protection.offsets : undefined) });
    else if (outcome.status === 'rejected') Object.assign(result, { status: 'rejected', reason: outcome.reason, brokerCode: outcome.code });
    else {
      // The answer was lost: the orderbook may know. Not finding it leaves the outcome unknown, never re-sent.
      const found = await findExistingOrder(deps.broker, { orderTag: record.orderTag }).catch(() => undefined);
      Object.assign(result, found ? resultFromFound(found) : { status: 'unknown', reason: outcome.reason });
    }
  } catch (e) {
    deps.logger.error('unexpected error after sending an order', { requestId: req.requestId, error: e });
    Object.assign(result, { status: 'unknown', reason: 'internal error after the order was sent' });
  }

  if (req.writes) {
    // One commit with the audit entry, made by the caller before it answers (see alert-writes.ts).
    req.writes.completion = { key: record.key, owner: held.owner, result, nowMs: deps.clock() };
    req.writes.records.push(...(execution.toCommit ?? []));
  } else {
    // The lifecycle's records (written by the executor) land beside the claim's result, not after it.
    await Promise.all([finish(deps, held, result), execution.recorded]);
  }
  trace.orderRecordId = execution.legs[0]?.recordIds?.[0];
  await notifyOutcome(deps, result, { stage: 'sent' }, req.requestId);
  return { kind: result.status, result };
}

/**
 * The alert's one order as a plan. A close first takes back the bridge's own exits on the contract (so
 * they cannot fill beside it); an open under PROTECTION=managed asks for exits once it fills. Nothing
 * is read back before answering: TradingView gives 3 s, and the postback and the reconcile follow it.
 */
function onePlan(
  req: AlertRequest, p: PreparedOrder, order: OrderRequest, lots: number,
  protection: Protection,
  deferRecording: OrderPlan['deferRecording'],
  send: Pick<OrderPlan, 'notAfter' | 'retryUntil' | 'beforeSend'>,
  /** The alert's strategy label: its record carries it, so the console files the order under it. */
  strategy?: string,
): OrderPlan {
  // A close is never protected: it only reduces.
  const exits = p.reduceOnly ? {} : {
    ...(protection.exits ? { exits: protection.exits } : {}),
    ...(protection.exitsIfLegsRefused ? { exitsIfLegsRefused: protection.exitsIfLegsRefused } : {}),
  };
  return {
    requestId: req.requestId,
    ...(strategy ? { strategy } : {}),
    orders: [{ n: 0, intent: p.reduceOnly ? 'close' : 'open', order, lots, lotSize: p.instrument.lotSize, freezeQty: p.freezeQty, ...exits }],
    ...(p.reduceOnly ? { withdrawExitsOn: [{ symbol: order.symbol, productType: order.productType }] } : {}),
    ...send,
    confirm: false,
    deferRecording,
  };
}
