import { isOpenOrder, type Broker, type CancelOutcome, type ModifyOutcome, type OrderChange, type OrderReport, type PlaceOutcome } from '../../broker/broker.port';
import { RiskRefusedError } from '../../errors';
import type { Logger } from '../../platform/logger';
import { slicesFor } from '../../risk/lot-sizing';
import { isLive, legStatusOf, type LegResult, type LegSlice } from '../leg-result';
import { isManagedExitTag, rollbackTag } from '../order-tags';
import type { OrderPlan, PlannedOrder } from './order-plan';
import type { ExitsControl, OrderRecorder, PreparedRecord, SentOrder } from './order-recorder.port';
import { legsRefused, placeWithoutLegs, type FallbackDeps } from './legs-fallback';

export interface ExecutorDeps {
  broker: Broker;
  logger: Logger;
  /** Absent: nothing is recorded (a bare executor in unit tests). */
  recorder?: OrderRecorder;
  /** Absent: no managed exits exist to withdraw. */
  exits?: ExitsControl;
  /** Who hears that an order went without its refused legs (see legs-fallback). */
  notify?: FallbackDeps['notify'];
}

export interface Execution {
  status: 'placed' | 'rejected' | 'unknown';
  legs: LegResult[];
  reason?: string;
  /** The broker's own answer for each planned order, by `n` (absent when it was never sent). */
  outcomes: Map<number, PlaceOutcome>;
  /** Working orders cancelled before the closes went (a flatten). */
  cancelled: string[];
  /** Settles when every record of this execution is written (at once unless the plan deferred them). */
  recorded: Promise<void>;
  /** Plain sentences for the answer: an order that went without its refused legs, under managed exits. */
  notes: string[];
  /** With deferRecording 'commit': the records, prepared and not written, for the caller to commit. */
  toCommit?: PreparedRecord[];
}

/** Marker: nothing at all reached the broker, so the caller may release its claim. */
export class NothingSentError extends Error {
  constructor(readonly cause: unknown) {
    super('nothing was sent');
  }
}

/**
 * The one caller of the broker's place, modify and cancel. Everything that sends an order (an alert, a
 * strategy, a flatten, a square-off, a managed exit, a rollback) hands it a plan; it sends them through
 * the one paced broker port, slices above the master's freeze quantity, records every order it placed,
 * and follows what it sent in the orderbook.
 */
export interface OrderExecutor {
  run(plan: OrderPlan): Promise<Execution>;
  /**
   * After a crash or a lost answer: what the orderbook shows under the plan's tags, sending nothing.
   * Undefined when none is there, or when a tag holds another contract's or side's order (the plan is not the one that sent it).
   */
  resume(plan: OrderPlan): Promise<Execution | undefined>;
  /**
   * Orders an earlier, interrupted attempt of this plan's first order left at the broker: recorded as
   * that order's (the attempt may have died before its records were written). Returns the record ids.
   */
  adopt(plan: OrderPlan, found: OrderReport[]): Promise<string[]>;
  modify(orderId: string, change: OrderChange): Promise<ModifyOutcome>;
  cancel(orderId: string): Promise<CancelOutcome>;
}

const BASKET_MAX = 10;


const resultOf = (p: PlannedOrder, status: LegResult['status'], extra: Partial<LegResult> = {}): LegResult => ({
  leg: p.n, role: p.intent, symbol: p.order.symbol, side: p.order.side, productType: p.order.productType, qty: p.order.qty, lots: p.lots, orderTag: p.order.orderTag, status, ...extra,
});

/** The units each slice carries (one entry when the order fits under the freeze quantity). */
export function plannedSlices(p: PlannedOrder): number[] {
  return p.freezeQty === undefined ? [p.order.qty] : slicesFor(p.order.qty, p.lotSize, p.freezeQty);
}

export function createOrderExecutor(deps: ExecutorDeps): OrderExecutor {
  const exec: OrderExecutor = {
    run: (plan) => runPlan(deps, exec, plan),
    resume: (plan) => resumeFromBook(deps, exec, plan),
    adopt: (plan, found) => adoptFound(deps, plan, found),
    modify: (orderId, change) => deps.broker.modifyOrder(orderId, change),
    cancel: (orderId) => deps.broker.cancelOrder(orderId),
  };
  return exec;
}

async function runPlan(deps: ExecutorDeps, exec: OrderExecutor, plan: OrderPlan): Promise<Execution> {
  // Every slice count is checked before anything leaves: a plan never half-sends over a size refusal.
  const sliceOf = new Map<number, number[]>();
  for (const p of plan.orders) {
    try {
      sliceOf.set(p.n, plannedSlices(p));
    } catch (e) {
      if (e instanceof RiskRefusedError && plan.orders.length > 1) throw new RiskRefusedError(`order ${p.n} (${p.order.side} ${p.order.symbol}): ${e.publicMessage}`, e.details);
      throw e;
    }
  }
  const withdrawn = plan.withdrawExitsOn?.length && deps.exits ? await deps.exits.withdraw(plan.withdrawExitsOn, plan.requestId) : [];
  const cancelled = plan.cancelWorkingIn ? await cancelWorking(deps, plan) : [];

  const results = new Map<number, LegResult>();
  const outcomes = new Map<number, PlaceOutcome>();
  const notes: string[] = [];
  const records: Array<Promise<unknown>> = [];
  const toCommit: PreparedRecord[] = [];
  let sentAny = false;
  const groups = [
    plan.orders.filter((p) => p.intent === 'close' && p.order.side === 'BUY'),
    plan.orders.filter((p) => p.intent === 'close' && p.order.side === 'SELL'),
    plan.orders.filter((p) => p.intent === 'open' && p.order.side === 'BUY'),
    plan.orders.filter((p) => p.intent === 'open' && p.order.side === 'SELL'),
  ];
  const opts = { notAfter: plan.notAfter, retryUntil: plan.retryUntil, beforeSend: plan.beforeSend };
  let stopReason: string | undefined;
  for (const group of groups) {
    if (group.length === 0) continue;
    if (stopReason) {
      for (const p of group) results.set(p.n, resultOf(p, 'not-sent', { reason: stopReason }));
      continue;
    }
    // Sliced orders go alone (isSliceOrder is a single-order flag); the rest in baskets of up to 10.
    const sliced = group.filter((p) => sliceOf.get(p.n)!.length > 1);
    const whole = group.filter((p) => sliceOf.get(p.n)!.length === 1);
    const sends: PlannedOrder[][] = [...sliced.map((p) => [p])];
    for (let i = 0; i < whole.length; i += BASKET_MAX) sends.push(whole.slice(i, i + BASKET_MAX));
    for (const chunk of sends) {
      let answers: PlaceOutcome[];
      try {
        if (chunk.length === 1) {
          const p = chunk[0]!;
          answers = [await deps.broker.placeOrder(sliceOf.get(p.n)!.length > 1 ? { ...p.order, slice: true } : p.order, opts)];
        } else {
          answers = await deps.broker.placeBasket(chunk.map((p) => p.order), opts);
        }
      } catch (e) {
        if (!sentAny) {
          if (withdrawn.length) await deps.exits!.restore(withdrawn).catch((err: unknown) => deps.logger.error('could not restore withdrawn exits', { error: err }));
          throw new NothingSentError(e);
        }
        deps.logger.warn('a later order of a plan could not be sent', { error: e });
        for (const p of chunk) results.set(p.n, resultOf(p, 'not-sent', { reason: 'not sent: the broker could not take it' }));
        stopReason = 'an earlier order of this plan could not be sent';
        continue;
      }
      sentAny = true;
      for (const [j, planned] of chunk.entries()) {
        let p = planned;
        let o = answers[j]!;
        if (o.status === 'rejected' && legsRefused(p, o)) {
          const fb = await placeWithoutLegs(deps, p, o, opts, sliceOf.get(p.n)!.length > 1, plan.requestId);
          if (fb) {
            ({ order: p, outcome: o } = fb);
            notes.push(fb.note);
          }
        }
        outcomes.set(p.n, o);
        const r = legFromAnswer(p, o, sliceOf.get(p.n)!);
        results.set(p.n, r);
        records.push(recordLeg(deps, plan, p, r, o, toCommit));
      }
    }
    if (plan.confirm !== false) {
      // The orderbook is read while the records are written; what it says is applied once they exist,
      // so it moves an existing record (and arms its exits).
      const legsOf = group.map((p) => results.get(p.n)!).filter(Boolean);
      const book = needsSettling(legsOf) ? readOrderbook(deps) : Promise.resolve(undefined);
      await Promise.all(records);
      await settleFromOrderbook(deps, legsOf, await book);
    }
    const failed = group.map((p) => results.get(p.n)!).find((r) => !isLive(r));
    // A failed close stops the opens (a strategy must not hold both sides); a failed hedge stops the sells.
    if (failed && !stopReason) stopReason = `order ${failed.leg} (${failed.side} ${failed.symbol}) ${failed.status}${failed.reason ? `: ${failed.reason}` : ''}`;
  }
  const legs = plan.orders.map((p) => results.get(p.n) ?? resultOf(p, 'not-sent'));
  const recorded = Promise.all(records).then(() => undefined);
  if (!plan.deferRecording || plan.deferRecording === 'commit') await recorded;
  const done = await finish(deps, exec, plan, legs, stopReason);
  return { ...done, outcomes, cancelled, recorded, notes, ...(plan.deferRecording === 'commit' ? { toCommit } : {}) };
}

function legFromAnswer(p: PlannedOrder, o: PlaceOutcome, slices: number[]): LegResult {
  if (o.status === 'rejected') return resultOf(p, 'rejected', { reason: o.reason, code: o.code });
  if (o.status === 'unknown') return resultOf(p, 'unknown', { reason: o.reason });
  const r = resultOf(p, o.filled ? 'filled' : 'working', { orderId: o.orderId, ...(o.filled ? { filledQty: p.order.qty, ...(o.avgPrice !== undefined ? { avgPrice: o.avgPrice } : {}) } : {}) });
  if (slices.length > 1) {
    r.slices = slices.map((qty, i): LegSlice => {
      const s = o.slices?.[i];
      if (!s) return { qty, status: 'sent' };
      return s.status === 'accepted' ? { qty, orderId: s.orderId, status: 'accepted' } : { qty, status: 'rejected', reason: s.reason };
    });
    // Every slice refused: the order as a whole did not stand.
    if (r.slices.every((s) => s.status === 'rejected')) Object.assign(r, { status: 'rejected', reason: r.slices[0]!.reason });
  }
  return r;
}

/** One record per order the broker took (one per slice of a sliced one), or one by tag when unknown. */
async function recordLeg(deps: ExecutorDeps, plan: OrderPlan, p: PlannedOrder, r: LegResult, o: PlaceOutcome, toCommit?: PreparedRecord[], found?: boolean): Promise<void> {
  const recorder = deps.recorder;
  if (!recorder || o.status === 'rejected') return;
  // Resumed and adopted orders (no collector) are always written here.
  const prepare = toCommit && plan.deferRecording === 'commit' ? recorder.prepare?.bind(recorder) : undefined;
  const base: Omit<SentOrder, 'status' | 'qty'> = {
    orderTag: p.order.orderTag,
    requestId: plan.requestId,
    role: p.role ?? 'entry',
    parentId: p.parentId,
    strategy: plan.strategy,
    symbol: p.order.symbol,
    side: p.order.side,
    productType: p.order.productType,
    orderType: p.order.orderType === 'STOP_LIMIT' ? 'SL-L' : p.order.orderType,
    intent: p.intent,
    ...(p.exits && [p.exits.slPoints, p.exits.tpPoints, p.exits.slPct, p.exits.tpPct].some((x) => x !== undefined) ? { exits: { ...p.exits } } : {}),
  };
  const ids: string[] = [];
  const accepted = r.slices?.filter((s) => s.status === 'accepted' && s.orderId);
  const sent: SentOrder[] =
    o.status === 'placed' && accepted && accepted.length > 0
      ? accepted.map((s) => ({ ...base, status: 'placed', orderId: s.orderId, qty: s.qty }))
      : [{ ...base, status: o.status, orderId: o.status === 'placed' ? o.orderId : undefined, qty: p.order.qty }];
  // Paper fills at once and says so: the record learns it now, as it would from Fyers' postback.
  const paperFill = o.status === 'placed' && o.filled
    ? () => recorder.observe({ orderId: o.orderId, symbol: p.order.symbol, side: p.order.side, qty: p.order.qty, productType: p.order.productType, state: 'filled', filledQty: p.order.qty, avgPrice: o.avgPrice, orderTag: p.order.orderTag })
    : undefined;
  if (prepare) {
    const prepared = sent.map((x) => prepare(x)).filter((x): x is PreparedRecord => x !== undefined);
    // Committed by the caller: the fill is applied once the record exists.
    const last = prepared.at(-1);
    if (last && paperFill) {
      const after = last.after;
      last.after = async (created) => {
        await after(created);
        await paperFill();
      };
    }
    toCommit!.push(...prepared);
    if (prepared.length) r.recordIds = prepared.map((x) => x.id);
    else if (paperFill) await paperFill();
    return;
  }
  for (const x of sent) {
    const id = await recorder.record(x, { publishNow: false, ...(found ? { found } : {}) });
    if (id) ids.push(id);
  }
  if (ids.length) r.recordIds = ids;
  if (paperFill) await paperFill();
}

const unsettled = (legs: LegResult[]) => legs.filter((l) => l.orderTag && (l.status === 'working' || l.status === 'unknown'));
const needsSettling = (legs: LegResult[]) => unsettled(legs).length > 0;

/** The orderbook after a send; undefined (logged) when it cannot be read: the states stay as answered. */
async function readOrderbook(deps: ExecutorDeps): Promise<OrderReport[] | undefined> {
  try {
    return await deps.broker.findOrders({});
  } catch (e) {
    deps.logger.warn('could not read the orderbook after sending; order states stay as answered', { error: e });
    return undefined;
  }
}

/**
 * Settles each sent order's state from the orderbook by tag: fills, rests, late rejections, answers
 * that were lost. What it reads is also handed to the lifecycle, so a fill found here arms the exits at once.
 */
async function settleFromOrderbook(deps: ExecutorDeps, legs: LegResult[], book: OrderReport[] | undefined): Promise<void> {
  if (!book) return;
  for (const l of unsettled(legs)) {
    const mine = book.filter((x) => x.orderTag === l.orderTag);
    if (mine.length === 0) continue;
    takeRows(l, mine);
    // A row whose record this plan just wrote (under its order id) moves it without looking it up.
    if (deps.recorder) for (const x of mine) if (x.state !== 'working' || x.filledQty > 0) await deps.recorder.observe(x, l.recordIds?.includes(x.orderId) ? x.orderId : undefined);
  }
}

/**
 * A leg as the orderbook shows it under its tag (one row per slice): the state of its least finished
 * row, its fills summed, their average price, and the broker's reason when a row was refused.
 */
function takeRows(l: LegResult, rows: OrderReport[]): void {
  const filled = rows.reduce((s, x) => s + x.filledQty, 0);
  const worst = rows.find((x) => legStatusOf(x) !== 'filled') ?? rows[0]!;
  l.orderId ??= rows[0]!.orderId;
  l.status = legStatusOf(worst);
  if (filled > 0) l.filledQty = filled;
  const priced = rows.filter((x) => x.avgPrice !== undefined && x.filledQty > 0);
  if (priced.length) l.avgPrice = priced.reduce((s, x) => s + x.avgPrice! * x.filledQty, 0) / filled;
  if (l.status === 'rejected' && worst.message) l.reason = worst.message;
}

/**
 * Cancels the other working orders in the contracts a flatten closes, before its closes leave, so
 * nothing reopens later and its own closes are never among them. Managed exits are not touched here:
 * they are withdrawn through the lifecycle, which knows they are the bridge's own.
 */
async function cancelWorking(deps: ExecutorDeps, plan: OrderPlan): Promise<string[]> {
  const spec = plan.cancelWorkingIn!;
  const tickers = new Set(spec.tickers);
  const own = new Set(plan.orders.map((p) => p.order.orderTag));
  let book: OrderReport[];
  try {
    book = await deps.broker.findOrders({});
  } catch (e) {
    deps.logger.warn('could not read the orderbook to cancel working orders before a flatten', { error: e });
    return [];
  }
  const working = book.filter(
    (o) => isOpenOrder(o) &&
      !own.has(o.orderTag ?? '') && !isManagedExitTag(o.orderTag) &&
      (tickers.has(o.symbol) || (spec.tagged && /^t[vx]/.test(o.orderTag ?? ''))) &&
      (spec.productType === undefined || o.productType === spec.productType),
  );
  const cancelled: string[] = [];
  for (const o of working) {
    const c = await deps.broker.cancelOrder(o.orderId).catch((e: unknown): CancelOutcome => ({ status: 'unknown', reason: String(e) }));
    if (c.status === 'cancelled') cancelled.push(o.orderId);
    else if (c.status === 'unknown') deps.logger.warn('could not cancel a working order before a flatten', { orderId: o.orderId, reason: c.reason });
  }
  return cancelled;
}

async function finish(deps: ExecutorDeps, exec: OrderExecutor, plan: OrderPlan, legs: LegResult[], stopReason?: string): Promise<Pick<Execution, 'status' | 'legs' | 'reason'>> {
  const opens = legs.filter((l) => l.role === 'open');
  const broken = opens.some((l) => !isLive(l));
  if (plan.allOrNothing && broken && opens.some(isLive)) await rollback(deps, exec, plan, legs);
  const unknown = legs.some((l) => l.status === 'unknown' || l.rolledBack === 'failed' || (l.role === 'exit' && !isLive(l)));
  if (unknown) return { status: 'unknown', legs, reason: stopReason ?? 'at least one order has no confirmed outcome' };
  if (legs.some((l) => !isLive(l) && l.role !== 'exit')) return { status: 'rejected', legs, reason: stopReason };
  return { status: 'placed', legs };
}

/**
 * Undoes the live open legs of a broken structure: working ones are cancelled, then every leg is
 * exited by an opposite order of what it filled (read from the orderbook after the cancels),
 * buy-backs first, as a plan of its own. Exit tags derive from the leg's tag, and an exit already in
 * the orderbook (an earlier attempt) is not sent again.
 */
async function rollback(deps: ExecutorDeps, exec: OrderExecutor, plan: OrderPlan, legs: LegResult[]): Promise<void> {
  const live = legs.filter((l) => l.role === 'open' && isLive(l));
  const cancelled = new Set<LegResult>();
  for (const l of live) {
    if (l.status !== 'working' || !l.orderId) continue;
    const c = await exec.cancel(l.orderId).catch((e: unknown): CancelOutcome => ({ status: 'unknown', reason: String(e) }));
    if (c.status === 'cancelled') cancelled.add(l);
  }
  if (live.length === 0) return;
  // Each leg is undone by what it filled, read after the cancels: a cancel stops only what had not
  // filled, and a leg the exchange cancelled itself ("not open") may have filled part of its size.
  const existing = await deps.broker.findOrders({}).catch(() => undefined);
  const toExit: LegResult[] = [];
  const exitQty = new Map<LegResult, number>();
  const stillOpen = new Set<LegResult>();
  for (const l of live) {
    const rows = existing?.filter((o) => o.orderTag === l.orderTag) ?? [];
    // Unread (or not listed): a filled leg is undone whole, a working one as the cancel left it.
    const filled = rows.length ? rows.reduce((x, o) => x + o.filledQty, 0) : l.status === 'filled' ? l.qty : 0;
    if (rows.length) l.filledQty = filled;
    if (rows.some(isOpenOrder) || (!rows.length && l.status === 'working' && !cancelled.has(l))) stillOpen.add(l);
    if (filled > 0) {
      exitQty.set(l, filled);
      toExit.push(l);
    } else if (!stillOpen.has(l)) l.rolledBack = 'cancelled';
    // A leg its cancel did not stop is still working: it is not undone (the operator is told).
    if (stillOpen.has(l) && filled === 0) l.rolledBack = 'failed';
  }
  if (toExit.length === 0) return;
  const exits: PlannedOrder[] = [];
  const byN = new Map<number, LegResult>();
  for (const l of [...toExit.filter((x) => x.side === 'SELL'), ...toExit.filter((x) => x.side === 'BUY')]) {
    const tag = rollbackTag(l.orderTag ?? `${l.leg}`);
    const done = existing?.find((o) => o.orderTag === tag);
    if (done) {
      legs.push({ leg: legs.length, role: 'exit', exits: l.leg, symbol: l.symbol, side: l.side === 'BUY' ? 'SELL' : 'BUY', productType: l.productType, qty: done.qty, lots: l.lots * (done.qty / l.qty), orderTag: tag, orderId: done.orderId, status: legStatusOf(done) });
      l.rolledBack = isLive(legs[legs.length - 1]!) && !stillOpen.has(l) ? 'exited' : 'failed';
      continue;
    }
    const n = 1000 + l.leg;
    const planned = plan.orders.find((p) => p.n === l.leg);
    const lotSize = planned?.lotSize ?? l.qty / Math.max(1, l.lots);
    const qty = exitQty.get(l)!;
    byN.set(n, l);
    exits.push({
      n, intent: 'close', lots: qty / lotSize, lotSize, freezeQty: planned?.freezeQty,
      order: { symbol: l.symbol, qty, side: l.side === 'BUY' ? 'SELL' : 'BUY', orderType: 'MARKET', productType: l.productType, orderTag: tag },
    });
  }
  if (exits.length === 0) return;
  let outcome: Execution;
  try {
    // Exits are closes: sent however late it is (undoing exposure is never worse than leaving it; the
    // exit tags stop a recovering instance from repeating them).
    outcome = await exec.run({ requestId: plan.requestId, strategy: plan.strategy, orders: exits, confirm: true });
  } catch (e) {
    deps.logger.error('could not send the rollback exits', { error: e });
    for (const l of byN.values()) l.rolledBack = 'failed';
    return;
  }
  for (const r of outcome.legs) {
    const l = byN.get(r.leg)!;
    legs.push({ ...r, leg: legs.length, role: 'exit', exits: l.leg });
    l.rolledBack = isLive(r) && !stillOpen.has(l) ? 'exited' : 'failed';
  }
}

/**
 * After a crash or a lost answer: what the orderbook shows under the plan's tags. Undefined when none of
 * them is there. Otherwise nothing new is sent: found orders keep their state (and get their records),
 * missing ones are reported not sent, and an incomplete structure is undone like any other broken one.
 */
async function resumeFromBook(deps: ExecutorDeps, exec: OrderExecutor, plan: OrderPlan): Promise<Execution | undefined> {
  const book = await deps.broker.findOrders({});
  const found = plan.orders.map((p) => ({ p, o: book.filter((x) => x.orderTag === p.order.orderTag) }));
  if (!found.some((f) => f.o.length)) return undefined;
  // A plan rebuilt since (from positions that moved) can give a place, and so a tag, to another order
  // than the one the earlier attempt sent under it: this plan is not that attempt's, and resuming it
  // would read another contract's order as this one's. The caller looks the attempt up by tag instead.
  if (found.some(({ p, o }) => o.some((x) => x.symbol !== p.order.symbol || x.side !== p.order.side))) return undefined;
  const records: Array<Promise<unknown>> = [];
  const legs = found.map(({ p, o }) => {
    if (!o.length) return resultOf(p, 'not-sent', { reason: 'interrupted before it was sent; not sent now' });
    // Every slice counts: their fills summed, the least finished one's state (a refused slice beside filled ones books those).
    const r = resultOf(p, 'unknown');
    takeRows(r, o);
    for (const x of o) {
      if (x.state === 'rejected' || !deps.recorder) continue;
      records.push(recordLeg(deps, plan, { ...p, order: { ...p.order, qty: x.qty } }, resultOf(p, legStatusOf(x), { orderId: x.orderId }), { status: 'placed', orderId: x.orderId }, undefined, true).then(() => deps.recorder!.observe(x)));
    }
    return r;
  });
  await Promise.all(records);
  const done = await finish(deps, exec, plan, legs, 'an earlier attempt was interrupted');
  return { ...done, outcomes: new Map(), cancelled: [], recorded: Promise.resolve(), notes: [] };
}

async function adoptFound(deps: ExecutorDeps, plan: OrderPlan, found: OrderReport[]): Promise<string[]> {
  const p = plan.orders[0];
  if (!p || !deps.recorder) return [];
  const ids: string[] = [];
  for (const x of found) {
    if (x.state === 'rejected') continue;
    const r = resultOf(p, legStatusOf(x), { orderId: x.orderId });
    await recordLeg(deps, plan, { ...p, order: { ...p.order, qty: x.qty } }, r, { status: 'placed', orderId: x.orderId }, undefined, true);
    ids.push(...(r.recordIds ?? []));
    await deps.recorder.observe(x);
  }
  return ids;
}

