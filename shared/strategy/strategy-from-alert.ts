import { tokenMatches } from '../alert/authenticate-alert';
import { alertKey, orderTagFor } from '../alert/idempotency-key';
import { DEFAULT_MAPPING, parseStrategyAlert, type PositionSide, type StrategyAlert } from '../alert/strategy-alert.schema';
import {
  AppError, DependencyUnavailableError, InFlightError, OutsideTradingWindowError, RiskRefusedError, TradingDisabledError, UnauthorizedError,
} from '../errors';
import type { AlertOutcome } from '../orders/alert-outcome';
import type { AlertTrace } from '../orders/alert-trace';
import type { AlertRequest } from '../orders/place-order-from-alert';
import type { OrderResult } from '../orders/order-result';
import { marketFacts } from '../orders/prepare-order';
import { unitsForLots } from '../risk/lot-sizing';
import { sizeLots, needsMarketFacts } from '../risk/position-sizing';
import { sessionRefusal } from '../risk/trading-window';
import { assertInSession } from '../orders/session-gate';
import { istParts } from '../platform/ist';
import type { RuntimeControls } from '../store/controls.port';
import type { IdempotencyRecord } from '../store/idempotency.port';
import type { Instrument } from '../symbols/instrument';
import { normalizeUnderlying, resolveInstrument } from '../symbols/resolve-instrument';
import { UNDERLYINGS } from '../symbols/underlyings';
import { addCloses, bookExecution, freezeQtyFor, type PlanBuilder } from './close-plan';
import { executePlan, legTag, NothingSentError, resumeFromBook, type Execution } from './execute-legs';
import type { StrategyDeps } from './strategy.deps';
import { cancelWorking } from './flatten-holdings';
import { planTransition, positionPool, reconcileLegs } from './transition-plan';

/** Contracts resolved before the claim, so an alert that can never trade leaves no claim behind. */
interface Resolved {
  underlying?: string;
  /** Position mode: the contract each side would open. */
  sides?: Partial<Record<'long' | 'short', Instrument>>;
  mapping: Record<'long' | 'short', PositionSide>;
  /** Multi-leg open: one contract and size per leg. */
  legs?: Array<{ inst: Instrument; side: 'BUY' | 'SELL'; lots: number }>;
}

/**
 * A strategy alert: move a strategy's holding in one underlying to a position, open or close a
 * multi-leg structure, or flatten. Same door as a single order (token, kill switch, window, loss limit,
 * one claim per alert key), then one lock per holding so two alerts of a strategy never plan from the
 * same book, the book reconciled against the broker's positions, and the plan executed leg by leg with
 * tags derived from the alert's key.
 */
export async function strategyFromAlert(deps: StrategyDeps, req: AlertRequest, trace: AlertTrace = {}): Promise<AlertOutcome> {
  const presented = (req.body as { token?: unknown } | null)?.token;
  const secret = await deps.secrets.get('webhook-secret');
  if (typeof presented === 'string' && !tokenMatches(presented, secret)) throw new UnauthorizedError('The alert token is not valid');
  const alert = parseStrategyAlert(req.body);
  const { token: _token, ...sanitized } = alert;
  trace.alert = sanitized;
  if (!tokenMatches(alert.token, secret)) throw new UnauthorizedError('The alert token is not valid');
  const controls = await deps.controls();
  if (!controls.tradingEnabled) throw new TradingDisabledError('Trading is disabled by the kill switch');
  const s = deps.settings;
  if (s.enforceTradingWindow) {
    // The session of the exchange the underlying trades on (from the master); a strategy-wide flatten
    // names no underlying and follows NSE's.
    const index = await deps.symbols();
    if (alert.symbol) assertInSession(index, alert.symbol, req.receivedAt, s.tradingWindow);
    else {
      const why = sessionRefusal(req.receivedAt, 'NSE', index.session('NSE'), s.tradingWindow);
      if (why) throw new OutsideTradingWindowError(why, { exchange: 'NSE' });
    }
  }
  await deps.lossGuard?.();
  const resolved = await resolveContracts(deps, alert, controls);

  const { key, fromBody } = alertKey(req.body as Record<string, unknown>, alert.idempotency_key ?? req.headerKey);
  trace.idempotencyKey = key;
  const owner = `${s.instanceId}:${req.requestId}`;
  const claim = await deps.idempotency.claim({
    key, owner, requestId: req.requestId, orderTag: orderTagFor(key, req.requestId), nowMs: deps.clock(),
    leaseMs: s.idempotencyLeaseMs, ttlMs: s.idempotencyTtlMs, reclaimCompletedAfterMs: fromBody ? s.dedupWindowMs : undefined,
  });
  switch (claim.kind) {
    case 'completed':
      if (!claim.record.result) throw new DependencyUnavailableError('A completed alert record has no stored result');
      return { kind: 'duplicate', result: claim.record.result };
    case 'in-flight':
      throw new InFlightError('The same alert is still being processed; not placing it again', { requestId: claim.record.requestId });
    case 'recover':
      return run(deps, req, alert, resolved, controls, claim.record, owner, trace, claim.previous);
    case 'claimed':
      return run(deps, req, alert, resolved, controls, claim.record, owner, trace);
  }
}

async function resolveContracts(deps: StrategyDeps, a: StrategyAlert, controls: RuntimeControls): Promise<Resolved> {
  const mapping = { long: a.mapping?.long ?? DEFAULT_MAPPING.long, short: a.mapping?.short ?? DEFAULT_MAPPING.short };
  if (!a.symbol) return { mapping };
  const underlying = normalizeUnderlying(a.symbol);
  const opening = (a.position !== undefined && a.position !== 'flat') || (a.legs !== undefined && a.intent === 'open');
  if (!opening) return { underlying, mapping };
  const index = await deps.symbols();
  const nowMs = deps.clock();
  const spot = await spotFor(deps, underlying, a);
  const find = (optionType: 'CE' | 'PE', strike: StrategyAlert['strikeprice'], expiry: StrategyAlert['expiry']) =>
    resolveInstrument(index, { underlying, optionType, expiry, strike }, { nowMs, spotLtp: spot });
  if (a.legs) {
    const maxLots = controls.maxLots ?? deps.settings.maxLots;
    const freezeQty = freezeQtyFor(underlying, deps.settings.freezeQtyOverrides);
    const legs = a.legs.map((l, i) => {
      const inst = find(l.optionType, l.strike, l.expiry ?? a.expiry);
      const lots = (a.qty as number) * l.ratio;
      try {
        unitsForLots(lots, { maxLots, lotSize: inst.lotSize, freezeQty });
      } catch (e) {
        if (e instanceof RiskRefusedError) throw new RiskRefusedError(`legs[${i}]: ${e.publicMessage}`, { field: `legs.${i}` });
        throw e;
      }
      return { inst, side: l.action, lots };
    });
    return { underlying, mapping, legs };
  }
  const want = a.position as 'long' | 'short';
  return { underlying, mapping, sides: { [want]: find(mapping[want].optionType, a.strikeprice, a.expiry) } };
}

async function spotFor(deps: StrategyDeps, underlying: string, a: StrategyAlert): Promise<number | undefined> {
  const strikes = a.legs ? a.legs.map((l) => l.strike) : [a.strikeprice];
  if (!strikes.some((x) => typeof x === 'object')) return undefined;
  const spotTicker = UNDERLYINGS[underlying]?.spotTicker;
  if (!spotTicker) throw new RiskRefusedError(`ATM strikes are not supported for ${underlying}: no spot quote is known`, { field: 'symbol' });
  const ltp = (await deps.broker.getQuotes([spotTicker])).get(spotTicker);
  if (!(ltp && ltp > 0)) throw new DependencyUnavailableError(`No live price for ${spotTicker}, so ATM cannot be resolved`);
  return ltp;
}

const lockName = (strategy: string, underlying: string) => `holding:${strategy}|${underlying}`;

async function run(
  deps: StrategyDeps, req: AlertRequest, alert: StrategyAlert, r: Resolved, controls: RuntimeControls,
  record: IdempotencyRecord, owner: string, trace: AlertTrace, previous?: string,
): Promise<AlertOutcome> {
  const s = deps.settings;
  const baseTag = record.orderTag ?? orderTagFor(record.key, record.requestId);
  const held: string[] = [];
  const releaseAll = async () => {
    for (const name of held) await deps.leases.release(name, owner).catch(() => undefined);
  };
  const b: PlanBuilder = { plan: [], meta: new Map() };
  let execution: Execution;
  const notes: string[] = [];
  let capSlots: { day: string; count: number } | undefined;
  try {
    const targets = alert.intent === 'flatten'
      ? await deps.holdings.list({ strategy: alert.strategy, underlying: r.underlying })
      : [(await deps.holdings.get(alert.strategy!, r.underlying!)) ?? { strategy: alert.strategy!, underlying: r.underlying!, legs: [], updatedAt: 0, applied: [] }];
    for (const t of targets) {
      const name = lockName(t.strategy, t.underlying);
      if (!(await deps.leases.tryAcquire(name, owner, s.idempotencyLeaseMs, deps.clock()))) {
        throw new DependencyUnavailableError(`Another alert of strategy ${t.strategy} on ${t.underlying} is being executed; nothing was sent. TradingView will retry.`, { retryAfterMs: 5000 });
      }
      held.push(name);
    }
    // Re-read under the lock: the book may have moved while we waited for it.
    const books = await Promise.all(targets.map(async (t) => (await deps.holdings.get(t.strategy, t.underlying)) ?? t));
    if (books.some((h) => h.applied.includes(record.key))) {
      execution = { status: 'placed', legs: [], reason: 'this alert was already booked by an earlier attempt' };
    } else {
      const pool = positionPool(await deps.broker.getPositions());
      for (const h of books) {
        const rec = reconcileLegs(h.legs, pool);
        if (rec.trimmed.length) notes.push(`book of ${h.strategy} on ${h.underlying} trimmed to the broker's positions: ${rec.trimmed.map((x) => `${x.ticker} ${x.from}->${x.to}`).join(', ')}`);
        const target = { strategy: h.strategy, underlying: h.underlying };
        const freeze = freezeQtyFor(h.underlying, s.freezeQtyOverrides);
        if (alert.position !== undefined) {
          const plan = planTransition(rec.legs, alert.position, r.mapping);
          addCloses(b, target, plan.close, baseTag, freeze);
          if (plan.open && controls.reduceOnly) notes.push('the reduce-only control is on: closed only, opened nothing');
          else if (plan.open) await addOpen(deps, b, target, alert, r, plan.open, baseTag, controls);
        } else if (alert.legs !== undefined && alert.intent === 'open') {
          if (controls.reduceOnly) throw new RiskRefusedError('The reduce-only control is on: a new structure would open positions', { field: 'intent' });
          for (const l of r.legs!) {
            const n = b.plan.length;
            b.plan.push({ n, role: 'open', lots: l.lots, order: { symbol: l.inst.ticker, qty: l.lots * l.inst.lotSize, side: l.side, orderType: 'MARKET', productType: alert.productType, orderTag: legTag(baseTag, 'open', n) } });
            b.meta.set(n, { ...target, optionType: l.inst.optionType as 'CE' | 'PE', lotSize: l.inst.lotSize });
          }
        } else {
          // intent close with legs closes the whole structure; flatten closes every holding it matched.
          addCloses(b, target, rec.legs, baseTag, freeze);
        }
      }
      trace.brokerRequest = { orders: b.plan.map((p) => p.order) };
      const opts = { allOrNothing: alert.legs !== undefined && alert.intent === 'open', notAfter: record.leaseUntil - s.sendMarginMs };
      const resumed = previous !== undefined ? await resumeFromBook(deps, b.plan, opts) : undefined;
      if (resumed) execution = resumed;
      else if (previous === 'unknown') execution = { status: 'unknown', legs: [], reason: 'an earlier attempt was sent but never confirmed, and the orderbook does not show it yet' };
      else if (b.plan.length === 0) execution = { status: 'placed', legs: [], reason: alert.position !== undefined ? 'already there: nothing to do' : 'nothing held: nothing to do' };
      else {
        capSlots = await reserveDailySlots(deps, controls, b.plan.length);
        execution = await executePlan(deps, b.plan, opts);
      }
    }
  } catch (e) {
    if (capSlots) for (let i = 0; i < capSlots.count; i++) await deps.releaseDailyOrder(capSlots.day).catch(() => undefined);
    // Nothing reached the broker: free the key and the locks so a resend (or a corrected alert) can go through.
    await deps.idempotency.release(record.key, owner).catch(() => undefined);
    await releaseAll();
    const cause = e instanceof NothingSentError ? e.cause : e;
    throw cause instanceof AppError ? cause : new DependencyUnavailableError('The strategy could not be executed; nothing was sent', undefined, { cause });
  }

  if (alert.intent === 'flatten' || alert.intent === 'close') {
    // A flatten also takes back what is still working in those contracts, so nothing reopens later.
    const tickers = new Set(b.plan.map((p) => p.order.symbol));
    const cancelled = await cancelWorking(deps, tickers).catch((e: unknown) => {
      deps.logger.warn('could not cancel working orders after a flatten', { error: e });
      return [] as string[];
    });
    if (cancelled.length) notes.push(`cancelled working orders ${cancelled.join(', ')}`);
  }
  trace.brokerResponse = { legs: execution.legs };
  await bookExecution(deps.holdings, b, execution, record.key, deps.clock()).catch(async (e: unknown) => {
    // The orders stand but the book does not show them: the next signal of this strategy would plan
    // from a wrong book (the broker's positions only trim it), so a human must look now.
    deps.logger.error('could not book a strategy execution into the holdings', { key: record.key, error: e });
    await deps.notifier.notify({
      kind: 'order.unknown',
      severity: 'critical',
      summary: `Strategy ${alert.strategy ?? '*'} on ${r.underlying ?? 'all underlyings'}: orders were sent but the holdings could not be updated; check the book before its next signal`,
      requestId: req.requestId,
      at: deps.clock(),
      details: { legs: execution.legs },
    });
  });
  const result = strategyResult(req, alert, r, execution, notes);
  try {
    if (!(await deps.idempotency.complete(record.key, owner, result, deps.clock()))) deps.logger.error('claim was lost before the result could be recorded', { key: record.key });
  } catch (e) {
    deps.logger.error('could not record the outcome of a strategy alert', { key: record.key, error: e });
  }
  await releaseAll();
  if (execution.status !== 'placed') {
    await deps.notifier.notify({
      kind: execution.status === 'rejected' ? 'order.rejected' : 'order.unknown',
      severity: execution.status === 'rejected' ? 'warning' : 'critical',
      summary: `Strategy ${alert.strategy ?? '*'} on ${r.underlying ?? 'all underlyings'}: ${execution.status}${execution.reason ? ` (${execution.reason})` : ''}; legs: ${execution.legs.map((l) => `${l.role} ${l.side} ${l.symbol} ${l.status}${l.rolledBack ? `/${l.rolledBack}` : ''}`).join('; ')}`,
      requestId: req.requestId,
      at: deps.clock(),
      details: { legs: execution.legs },
    });
  }
  return { kind: execution.status, result };
}

/** The daily order cap counts every order of a strategy alert; all of them fit, or none is sent. */
async function reserveDailySlots(deps: StrategyDeps, controls: RuntimeControls, count: number): Promise<{ day: string; count: number } | undefined> {
  if (controls.dailyOrderCap === undefined) return undefined;
  const day = istParts(deps.clock()).date;
  let got = 0;
  while (got < count && (await deps.reserveDailyOrder(day, controls.dailyOrderCap))) got++;
  if (got < count) {
    for (let i = 0; i < got; i++) await deps.releaseDailyOrder(day).catch(() => undefined);
    throw new RiskRefusedError(`The daily order cap of ${controls.dailyOrderCap} orders leaves no room for this alert's ${count} orders`);
  }
  return { day, count };
}

async function addOpen(
  deps: StrategyDeps, b: PlanBuilder, target: { strategy: string; underlying: string }, alert: StrategyAlert, r: Resolved,
  want: PositionSide, baseTag: string, controls: RuntimeControls,
): Promise<void> {
  const sideName = r.mapping.long === want ? 'long' : 'short';
  const inst = r.sides?.[sideName];
  if (!inst) throw new DependencyUnavailableError('The contract to open was not resolved');
  const market = needsMarketFacts(alert.qty) ? await marketFacts(deps.broker, inst.ticker) : {};
  const lots = sizeLots(alert.qty, {
    maxLots: controls.maxLots ?? deps.settings.maxLots,
    lotSize: inst.lotSize,
    freezeQty: freezeQtyFor(target.underlying, deps.settings.freezeQtyOverrides),
    side: want.side,
    ...market,
  });
  const n = b.plan.length;
  b.plan.push({ n, role: 'open', lots, order: { symbol: inst.ticker, qty: lots * inst.lotSize, side: want.side, orderType: 'MARKET', productType: alert.productType, orderTag: legTag(baseTag, 'open', n) } });
  b.meta.set(n, { ...target, optionType: want.optionType, lotSize: inst.lotSize });
}

function strategyResult(req: AlertRequest, a: StrategyAlert, r: Resolved, ex: Execution, notes: string[]): OrderResult {
  const mine = ex.legs.filter((l) => l.role !== 'exit');
  const first = mine[0];
  const reason = [ex.reason, ...notes].filter(Boolean).join('; ');
  return {
    status: ex.status,
    requestId: req.requestId,
    symbol: r.underlying ?? '*',
    side: first?.side ?? 'BUY',
    productType: first?.productType ?? a.productType,
    lots: mine.reduce((x, l) => x + l.lots, 0),
    qty: mine.reduce((x, l) => x + l.qty, 0),
    ...(a.strategy ? { strategy: a.strategy } : {}),
    ...(a.position ? { position: a.position } : {}),
    legs: ex.legs,
    ...(reason ? { reason } : {}),
  };
}


