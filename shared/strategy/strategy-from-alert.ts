import { assertStrategyRunning } from './strategy-risk-run';
import { offsetPoints, pointsOf, type Offset } from '../alert/offset';
import { orderTagFor } from '../alert/idempotency-key';
import { DEFAULT_MAPPING, parseStrategyAlert, type PositionSide, type StrategyAlert } from '../alert/strategy-alert.schema';
import { AppError, DependencyUnavailableError, RiskRefusedError } from '../errors';
import { admitAlert, claimAlert } from '../orders/admission';
import type { AlertOutcome } from '../orders/alert-outcome';
import type { AlertRequest } from '../orders/alert-request';
import type { AlertTrace } from '../orders/alert-trace';
import { NothingSentError, type Execution } from '../orders/execute/execute-plan';
import { planTag } from '../orders/order-tags';
import type { OrderPlan } from '../orders/execute/order-plan';
import type { HeldClaim } from '../orders/held-claim';
import type { OrderResult } from '../orders/order-result';
import { marketFacts } from '../orders/prepare-order';
import { istParts } from '../platform/ist';
import { sizeLots, needsMarketFacts } from '../risk/position-sizing';
import type { RuntimeControls } from '../store/controls.port';
import type { IdempotencyStatus } from '../store/idempotency.port';
import type { Instrument, SymbolIndex } from '../symbols/instrument';
import { normalizeUnderlying, resolveInstrument } from '../symbols/resolve-instrument';
import { freezeQtyFor, UNDERLYINGS } from '../symbols/underlyings';
import { assertAlertLots } from './alert-lots';
import { addCloses, bookExecution, closedContracts, freezeOf, type PlanBuilder } from './close-plan';
import { bookFound, sentByEarlierAttempt, type FoundOrder } from './earlier-attempt';
import { restingCloses } from './flatten-holdings';
import { settlePending } from './settle-pending';
import { openProtection } from './open-protection';
import type { StrategyDeps } from './strategy.deps';
import { planTransition, positionPool, reconcileLegs } from './transition-plan';
import { venueOf } from '../orders/strategy-venue';

/** A strategy alert always leaves its outcome to the caller's one commit (alert-writes.ts). */
type StrategyAlertRequest = AlertRequest & Required<Pick<AlertRequest, 'writes'>>;

/** Contracts resolved before the claim, so an alert that can never trade leaves no claim behind. */
interface Resolved {
  underlying?: string;
  /** Position mode: the contract each side would open. */
  sides?: Partial<Record<'long' | 'short', Instrument>>;
  mapping: Record<'long' | 'short', PositionSide>;
  /** Multi-leg open: one contract and size per leg, with the leg's own stop and target. */
  legs?: Array<{ inst: Instrument; side: 'BUY' | 'SELL'; lots: number; sl?: Offset; tp?: Offset }>;
}

/**
 * A strategy alert: move a strategy's holding in one underlying to a position, open or close a
 * multi-leg structure, or flatten. The same admission and claim as a single order, then one lock per
 * holding so two alerts of a strategy never plan from the same book, the book reconciled against the
 * broker's positions, and one plan for the executor: the bridge's exits on what it closes withdrawn,
 * closes, then opens protected as a single order would be, all with tags derived from the alert's key.
 */
export async function strategyFromAlert(live: StrategyDeps, req: StrategyAlertRequest, trace: AlertTrace = {}): Promise<AlertOutcome> {
  const { alert, controls, index } = await admitAlert(live, req, (body) => parseStrategyAlert(body, { protection: live.settings.protection }), trace);
  // A strategy a risk rule stopped for today opens nothing more (a flatten still goes through).
  if (alert.intent !== 'flatten') assertStrategyRunning(controls, alert.strategy, live.clock());
  const paper = venueOf(alert.strategy, controls, live.settings.paperStrategies ?? []) === 'paper';
  // A strategy set to paper never falls through to the broker, even where no paper venue is wired.
  if (paper && !live.forwardTest) throw new RiskRefusedError(`Strategy ${alert.strategy} is set to paper but this deployment has no paper venue; nothing was sent`, { field: 'strategy' });
  const deps = paper ? onPaper(live, live.forwardTest!) : live;
  const resolved = await resolveContracts(deps, alert, controls, index);
  const claim = await claimAlert(deps, req, alert, (key) => orderTagFor(key, req.requestId), trace);
  if (claim.kind === 'duplicate') return claim;
  return run(deps, req, alert, resolved, controls, index, claim.held, trace, claim.previous);
}

/**
 * The same use case on the forward-test venue: its broker, executor and book. The daily order cap
 * counts orders sent to the broker, so paper orders take no slot. The paper book has no TP/SL legs,
 * so where live orders would carry legs the bridge's managed exits protect the paper entry instead.
 */
function onPaper(live: StrategyDeps, venue: NonNullable<StrategyDeps['forwardTest']>): StrategyDeps {
  const { forwardTest: _venue, ...rest } = live;
  const protection = rest.settings.protection === 'legs' ? 'managed' : rest.settings.protection;
  return {
    ...rest, broker: venue.broker, executor: venue.executor, holdings: venue.holdings, orderRecords: venue.orderRecords, settings: { ...rest.settings, protection },
    reserveDailyOrder: async () => true, releaseDailyOrder: async () => undefined, venue: 'paper',
  };
}

async function resolveContracts(deps: StrategyDeps, a: StrategyAlert, controls: RuntimeControls, index: SymbolIndex): Promise<Resolved> {
  const mapping = { long: a.mapping?.long ?? DEFAULT_MAPPING.long, short: a.mapping?.short ?? DEFAULT_MAPPING.short };
  if (!a.symbol) return { mapping };
  const underlying = normalizeUnderlying(a.symbol);
  const opening = (a.position !== undefined && a.position !== 'flat') || (a.legs !== undefined && a.intent === 'open');
  if (!opening) return { underlying, mapping };
  const nowMs = deps.clock();
  const spot = await spotFor(deps, underlying, a);
  const find = (optionType: 'CE' | 'PE', strike: StrategyAlert['strikeprice'], expiry: StrategyAlert['expiry']) =>
    resolveInstrument(index, { underlying, optionType, expiry, strike }, { nowMs, spotLtp: spot });
  if (a.legs) {
    const legs = a.legs.map((l) => ({ inst: find(l.optionType, l.strike, l.expiry ?? a.expiry), side: l.action, lots: (a.qty as number) * l.ratio, sl: l.sl ?? a.sl, tp: l.tp ?? a.tp }));
    assertAlertLots(legs.map((l) => ({ ticker: l.inst.ticker, lots: l.lots })), controls.maxLots ?? deps.settings.maxLots);
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
  deps: StrategyDeps, req: StrategyAlertRequest, alert: StrategyAlert, r: Resolved, controls: RuntimeControls, index: SymbolIndex,
  held: HeldClaim, trace: AlertTrace, previous?: IdempotencyStatus,
): Promise<AlertOutcome> {
  const s = deps.settings;
  const { record, owner } = held;
  const baseTag = record.orderTag ?? orderTagFor(record.key, record.requestId);
  const locks: string[] = [];
  const releaseAll = async () => {
    await Promise.all(locks.map((name) => deps.leases.release(name, owner).catch(() => undefined)));
  };
  const b: PlanBuilder = { plan: [], meta: new Map() };
  let execution: Pick<Execution, 'status' | 'legs' | 'reason'>;
  const notes: string[] = [];
  let capSlots: { day: string; count: number } | undefined;
  let earlier: FoundOrder[] = [];
  let stuck: string[] = [];
  try {
    // Which books to lock: a flatten finds them; any other alert names its one book (read under the lock).
    const targets = alert.intent === 'flatten'
      ? await deps.holdings.list({ strategy: alert.strategy, underlying: r.underlying })
      : [{ strategy: alert.strategy!, underlying: r.underlying!, legs: [], updatedAt: 0, applied: [] }];
    for (const t of targets) {
      const name = lockName(t.strategy, t.underlying);
      if (!(await deps.leases.tryAcquire(name, owner, s.idempotencyLeaseMs, deps.clock()))) {
        throw new DependencyUnavailableError(`Another alert of strategy ${t.strategy} on ${t.underlying} is being executed; nothing was sent. TradingView will retry.`, { retryAfterMs: 5000 });
      }
      locks.push(name);
    }
    // Read under the lock (the book may have moved while we waited for it), beside the broker's positions
    // (a resend of an alert already booked then reads them for nothing; that is rare, waiting is not).
    const readPositions = () => deps.broker.getPositions().then(
      (ps) => ({ ps }),
      (error: unknown) => ({ error }),
    );
    let [books, positions] = await Promise.all([
      Promise.all(targets.map(async (t) => (await deps.holdings.get(t.strategy, t.underlying)) ?? t)),
      readPositions(),
    ]);
    const freeze = freezeOf(index, s.freezeQtyOverrides);
    if (books.some((h) => h.applied.includes(record.key))) {
      execution = { status: 'placed', legs: [], reason: 'this alert was already booked by an earlier attempt' };
    } else {
      // The strategy's orders still open from its earlier alerts: cancelled if they rest, their fills booked.
      const settled = await settlePending(deps, books, deps.clock());
      books = settled.books;
      if (settled.cancelled.length) notes.push(`cancelled its orders still resting from earlier alerts: ${settled.cancelled.join(', ')}`);
      stuck = settled.stuck;
      if (settled.stale) positions = await readPositions();
      if ('error' in positions) throw positions.error;
      const pool = positionPool(positions.ps);
      for (const h of books) {
        const rec = reconcileLegs(h.legs, pool);
        if (rec.trimmed.length) notes.push(`book of ${h.strategy} on ${h.underlying} trimmed to the broker's positions: ${rec.trimmed.map((x) => `${x.ticker} ${x.from}->${x.to}`).join(', ')}`);
        const target = { strategy: h.strategy, underlying: h.underlying };
        if (alert.position !== undefined) {
          const plan = planTransition(rec.legs, alert.position, r.mapping);
          addCloses(b, target, plan.close, baseTag, freeze);
          if (plan.open && controls.reduceOnly) notes.push('the reduce-only control is on: closed only, opened nothing');
          else if (plan.open) await addOpen(deps, b, target, alert, r, plan.open, baseTag, controls);
        } else if (alert.legs !== undefined && alert.intent === 'open') {
          if (controls.reduceOnly) throw new RiskRefusedError('The reduce-only control is on: a new structure would open positions', { field: 'intent' });
          for (const l of r.legs!) {
            const n = b.plan.length;
            const protect = openProtection(s.protection, l.side, l.inst.tickSize, l.sl, l.tp, alert.trail);
            b.plan.push({
              n, intent: 'open', lots: l.lots, lotSize: l.inst.lotSize, freezeQty: freezeQtyFor(l.inst, s.freezeQtyOverrides)?.qty, ...protect.plan,
              order: { symbol: l.inst.ticker, qty: l.lots * l.inst.lotSize, side: l.side, orderType: 'MARKET', productType: alert.productType, orderTag: planTag(baseTag, 'open', n), ...protect.order },
            });
            b.meta.set(n, { ...target, optionType: l.inst.optionType as 'CE' | 'PE', lotSize: l.inst.lotSize });
          }
        } else {
          // intent close with legs closes the whole structure; flatten closes every holding it matched.
          addCloses(b, target, rec.legs, baseTag, freeze);
        }
      }
      const plan: OrderPlan = {
        requestId: req.requestId,
        ...(alert.strategy ? { strategy: alert.strategy } : {}),
        orders: b.plan,
        withdrawExitsOn: closedContracts(b),
        // A flatten or close also takes back what is still working in those contracts, so nothing reopens later.
        ...(alert.intent === 'flatten' || alert.intent === 'close' ? { cancelWorkingIn: { tickers: closedContracts(b).map((c) => c.symbol) } } : {}),
        allOrNothing: alert.legs !== undefined && alert.intent === 'open',
        notAfter: record.leaseUntil - s.sendMarginMs,
        confirm: true,
      };
      trace.brokerRequest = { orders: b.plan.map((p) => p.order) };
      const resumed = previous !== undefined ? await deps.executor.resume(plan) : undefined;
      if (resumed) execution = resumed;
      else if (previous === 'unknown') execution = { status: 'unknown', legs: [], reason: 'an earlier attempt was sent but never confirmed, and the orderbook does not show it yet' };
      else if (previous !== undefined && (earlier = await sentByEarlierAttempt(deps, baseTag)).length) {
        // The plan was rebuilt from the broker's positions as they are now: once an earlier attempt's
        // close has filled, the legs sit at other places in the plan and carry other tags, so `resume`
        // found none of them. Running it would send the open a second time; nothing new is sent. What
        // the earlier attempt sent is booked from the orderbook (found by tag, not by place in a plan).
        const booked = books.length === 1 ? await bookFound(deps, books[0]!, earlier, index, record.key) : false;
        execution = { status: 'unknown', legs: [], reason: `an earlier, interrupted attempt of this alert already sent orders; nothing new was sent${booked ? '; they are in the book' : ''}: check the positions` };
        await deps.notifier.notify({
          kind: 'order.unknown',
          severity: 'critical',
          summary: `Strategy ${alert.strategy ?? '*'} on ${r.underlying ?? 'all underlyings'}: an interrupted attempt of this alert had sent orders (${earlier.map((e) => `${e.role} ${e.side} ${e.qty} ${e.symbol}`).join('; ')}); nothing was re-sent and ${booked ? 'the book now holds what they filled' : 'the book was not updated'}. Check that the positions are what the signal wanted`,
          requestId: req.requestId,
          at: deps.clock(),
          details: { key: record.key, orders: earlier },
        });
      }
      else if (b.plan.length === 0) execution = { status: 'placed', legs: [], reason: alert.position !== undefined ? 'already there: nothing to do' : 'nothing held: nothing to do' };
      else {
        capSlots = await reserveDailySlots(deps, controls, b.plan.length);
        const done = await deps.executor.run(plan);
        if (done.cancelled.length) notes.push(`cancelled working orders ${done.cancelled.join(', ')}`);
        execution = done;
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
  if (stuck.length) {
    // The signal superseded them but they still work: they may fill into what it just left. The outcome
    // is not what the signal asked until someone (or the next signal) stops them.
    notes.push(`could not cancel its orders still resting from earlier alerts, which may still fill: ${stuck.join(', ')}; check them at the broker`);
    if (execution.status === 'placed') execution = { ...execution, status: 'unknown' };
  }
  const resting = restingCloses(execution);
  if (resting.length) notes.push(`closes resting unfilled at the broker, left working (the book keeps those legs until they fill; the next signal cancels what still rests): ${resting.join(', ')}`);

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
  if (deps.venue) result.venue = deps.venue;
  if ('notes' in execution && Array.isArray(execution.notes) && execution.notes.length) result.notes = [...execution.notes];
  // The outcome goes in the caller's one commit with its audit entry (alert-writes.ts); the locks are
  // let go beside that commit, not before it: the book already holds this alert, so the next alert of
  // the strategy plans from the right book, and a resend of this one finds the claim still held.
  req.writes.completion = { key: record.key, owner, result, nowMs: deps.clock() };
  req.writes.alongside.push(releaseAll());
  if (execution.status !== 'placed' || resting.length) {
    await deps.notifier.notify({
      kind: execution.status === 'rejected' ? 'order.rejected' : execution.status === 'unknown' ? 'order.unknown' : 'order.unfilled',
      severity: execution.status === 'rejected' || resting.length ? 'warning' : 'critical',
      summary: `${deps.venue ? 'Paper strategy' : 'Strategy'} ${alert.strategy ?? '*'} on ${r.underlying ?? 'all underlyings'}: ${execution.status}${result.reason ? ` (${result.reason})` : ''}; legs: ${execution.legs.map((l) => `${l.role} ${l.side} ${l.symbol} ${l.status}${l.rolledBack ? `/${l.rolledBack}` : ''}`).join('; ')}`,
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
  const freezeQty = freezeQtyFor(inst, deps.settings.freezeQtyOverrides)?.qty;
  const slPoints = alert.sl === undefined ? undefined : market.premium ? offsetPoints(alert.sl, market.premium) : pointsOf(alert.sl);
  const lots = sizeLots(alert.qty, { maxLots: controls.maxLots ?? deps.settings.maxLots, lotSize: inst.lotSize, freezeQty, side: want.side, slPoints, ...market });
  const protect = openProtection(deps.settings.protection, want.side, inst.tickSize, alert.sl, alert.tp, alert.trail);
  const n = b.plan.length;
  b.plan.push({
    n, intent: 'open', lots, lotSize: inst.lotSize, freezeQty, ...protect.plan,
    order: { symbol: inst.ticker, qty: lots * inst.lotSize, side: want.side, orderType: 'MARKET', productType: alert.productType, orderTag: planTag(baseTag, 'open', n), ...protect.order },
  });
  b.meta.set(n, { ...target, optionType: want.optionType, lotSize: inst.lotSize });
}

function strategyResult(req: AlertRequest, a: StrategyAlert, r: Resolved, ex: Pick<Execution, 'status' | 'legs' | 'reason'>, notes: string[]): OrderResult {
  const mine = ex.legs.filter((l) => l.role !== 'exit');
  // The top line says what the alert established: its opens when it opened anything (a reversal's
  // close is in the legs, not added to the new position's size), else what it closed.
  const opens = mine.filter((l) => l.role === 'open');
  const basis = opens.length ? opens : mine;
  const first = basis[0];
  const reason = [ex.reason, ...notes].filter(Boolean).join('; ');
  return {
    status: ex.status,
    requestId: req.requestId,
    symbol: r.underlying ?? '*',
    side: first?.side ?? 'BUY',
    productType: first?.productType ?? a.productType,
    lots: basis.reduce((x, l) => x + l.lots, 0),
    qty: basis.reduce((x, l) => x + l.qty, 0),
    ...(a.strategy ? { strategy: a.strategy } : {}),
    ...(a.position ? { position: a.position } : {}),
    legs: ex.legs,
    ...(reason ? { reason } : {}),
  };
}
