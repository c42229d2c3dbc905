import type { Broker, OrderRequest, PlaceOutcome } from '../broker/broker.port';
import { sha256Hex } from '../platform/ids';
import type { Logger } from '../platform/logger';
import { isLive, legStatusOf, type LegResult } from './leg-result';

/** One order of a plan. `n` is its place in the plan and, with the base tag, names it at the broker. */
export interface PlannedOrder {
  n: number;
  role: 'open' | 'close';
  order: OrderRequest & { orderTag: string };
  lots: number;
}

export interface ExecuteDeps {
  broker: Broker;
  logger: Logger;
}

export interface ExecuteOptions {
  /** Open legs stand or fall together: one that fails undoes the rest. */
  allOrNothing: boolean;
  /** No order leaves after this instant (the claim's lease must outlive every send). */
  notAfter: number;
}

export interface Execution {
  status: 'placed' | 'rejected' | 'unknown';
  legs: LegResult[];
  reason?: string;
}

const BASKET_MAX = 10;

/**
 * Leg tags derive from the alert's tag (itself derived from the alert key), so a resend or a recovering
 * instance finds each leg at the broker by name instead of placing it again.
 */
export const legTag = (baseTag: string, role: 'open' | 'close', n: number) => 'tv' + sha256Hex(`${baseTag}|${role}|${n}`).slice(0, 24);
export const exitTag = (tag: string) => 'tx' + sha256Hex(`${tag}|exit`).slice(0, 24);

const resultOf = (p: PlannedOrder, status: LegResult['status'], extra: Partial<LegResult> = {}): LegResult => ({
  leg: p.n, role: p.role, symbol: p.order.symbol, side: p.order.side, productType: p.order.productType, qty: p.order.qty, lots: p.lots, orderTag: p.order.orderTag, status, ...extra,
});

/** Marker: the first basket could not be sent, so nothing at all reached the broker. */
export class NothingSentError extends Error {
  constructor(readonly cause: unknown) {
    super('nothing was sent');
  }
}

/**
 * Runs a plan: closes first (buy-backs, then sells), then opens with hedges first (buys, then sells,
 * and no sell until every buy stands). Each group goes as Fyers baskets of at most 10, and each order's
 * fate is read back from the orderbook by its tag, because the basket's outer "ok" proves nothing.
 * With `allOrNothing`, a failed open leg undoes the structure: filled legs are exited (buy-backs first)
 * and working ones cancelled. Throws NothingSentError only when nothing can have reached the broker.
 */
export async function executePlan(deps: ExecuteDeps, plan: PlannedOrder[], opts: ExecuteOptions): Promise<Execution> {
  const results = new Map<number, LegResult>();
  let sentAny = false;
  const groups = [
    plan.filter((p) => p.role === 'close' && p.order.side === 'BUY'),
    plan.filter((p) => p.role === 'close' && p.order.side === 'SELL'),
    plan.filter((p) => p.role === 'open' && p.order.side === 'BUY'),
    plan.filter((p) => p.role === 'open' && p.order.side === 'SELL'),
  ];
  let stopReason: string | undefined;
  for (const group of groups) {
    if (group.length === 0) continue;
    if (stopReason) {
      for (const p of group) results.set(p.n, resultOf(p, 'not-sent', { reason: stopReason }));
      continue;
    }
    for (let i = 0; i < group.length; i += BASKET_MAX) {
      const chunk = group.slice(i, i + BASKET_MAX);
      let outcomes: PlaceOutcome[];
      try {
        outcomes = chunk.length === 1 ? [await deps.broker.placeOrder(chunk[0]!.order, { notAfter: opts.notAfter })] : await deps.broker.placeBasket(chunk.map((p) => p.order), { notAfter: opts.notAfter });
      } catch (e) {
        if (!sentAny) throw new NothingSentError(e);
        deps.logger.warn('a later basket of a strategy could not be sent', { error: e });
        outcomes = chunk.map(() => ({ status: 'rejected', code: 'NOT_SENT', reason: 'not sent: the broker could not take it' }) as PlaceOutcome);
        for (const [j, p] of chunk.entries()) results.set(p.n, resultOf(p, 'not-sent', { reason: (outcomes[j] as { reason: string }).reason }));
        stopReason = 'an earlier order of this alert could not be sent';
        continue;
      }
      sentAny = true;
      for (const [j, p] of chunk.entries()) {
        const o = outcomes[j]!;
        if (o.status === 'placed') results.set(p.n, resultOf(p, 'working', { orderId: o.orderId }));
        else if (o.status === 'rejected') results.set(p.n, resultOf(p, 'rejected', { reason: o.reason }));
        else results.set(p.n, resultOf(p, 'unknown', { reason: o.reason }));
      }
    }
    await settleFromOrderbook(deps, [...results.values()]);
    const failed = group.map((p) => results.get(p.n)!).find((r) => !isLive(r));
    // A failed close stops the opens (a strategy must not hold both sides); a failed hedge stops the sells.
    if (failed && !stopReason) stopReason = `leg ${failed.leg} (${failed.side} ${failed.symbol}) ${failed.status}${failed.reason ? `: ${failed.reason}` : ''}`;
  }
  const legs = plan.map((p) => results.get(p.n) ?? resultOf(p, 'not-sent'));
  return finishExecution(deps, legs, opts, stopReason);
}

/** Reads each sent leg's state from the orderbook by tag: fills, rests, late rejections, and answers that were lost. */
async function settleFromOrderbook(deps: ExecuteDeps, legs: LegResult[]): Promise<void> {
  const open = legs.filter((l) => l.orderTag && (l.status === 'working' || l.status === 'unknown'));
  if (open.length === 0) return;
  let book;
  try {
    book = await deps.broker.findOrders({});
  } catch (e) {
    deps.logger.warn('could not read the orderbook after a basket; leg states stay as answered', { error: e });
    return;
  }
  for (const l of open) {
    const o = book.find((x) => x.orderTag === l.orderTag);
    if (!o) continue;
    l.orderId = o.orderId;
    l.status = legStatusOf(o);
    if (l.status === 'rejected' && o.message) l.reason = o.message;
  }
}

async function finishExecution(deps: ExecuteDeps, legs: LegResult[], opts: ExecuteOptions, stopReason?: string): Promise<Execution> {
  const opens = legs.filter((l) => l.role === 'open');
  const broken = opens.some((l) => !isLive(l));
  if (opts.allOrNothing && broken && opens.some(isLive)) await rollback(deps, legs);
  const unknown = legs.some((l) => l.status === 'unknown' || l.rolledBack === 'failed' || (l.role === 'exit' && !isLive(l)));
  if (unknown) return { status: 'unknown', legs, reason: stopReason ?? 'at least one order has no confirmed outcome' };
  if (legs.some((l) => !isLive(l) && l.role !== 'exit')) return { status: 'rejected', legs, reason: stopReason };
  return { status: 'placed', legs };
}

/**
 * Undoes the live open legs: working ones are cancelled (one that filled meanwhile is exited instead),
 * filled ones exited with an opposite order of the same size, buy-backs before sells. Exit tags derive
 * from the leg's tag, and an exit already in the orderbook (an earlier attempt) is not sent again.
 */
export async function rollback(deps: ExecuteDeps, legs: LegResult[]): Promise<void> {
  const live = legs.filter((l) => l.role === 'open' && isLive(l));
  const toExit: LegResult[] = [];
  for (const l of live) {
    if (l.status === 'working' && l.orderId) {
      const c = await deps.broker.cancelOrder(l.orderId).catch((e: unknown) => ({ cancelled: false, reason: String(e) }));
      if (c.cancelled) {
        l.rolledBack = 'cancelled';
        continue;
      }
    }
    toExit.push(l);
  }
  if (toExit.length === 0) return;
  const existing = await deps.broker.findOrders({}).catch(() => []);
  const exits: PlannedOrder[] = [];
  const byN = new Map<number, LegResult>();
  for (const l of [...toExit.filter((x) => x.side === 'SELL'), ...toExit.filter((x) => x.side === 'BUY')]) {
    const tag = exitTag(l.orderTag ?? `${l.leg}`);
    const done = existing.find((o) => o.orderTag === tag);
    if (done) {
      legs.push({ leg: legs.length, role: 'exit', exits: l.leg, symbol: l.symbol, side: l.side === 'BUY' ? 'SELL' : 'BUY', productType: l.productType, qty: l.qty, lots: l.lots, orderTag: tag, orderId: done.orderId, status: legStatusOf(done) });
      l.rolledBack = isLive(legs[legs.length - 1]!) ? 'exited' : 'failed';
      continue;
    }
    const n = 1000 + l.leg;
    byN.set(n, l);
    exits.push({ n, role: 'close', lots: l.lots, order: { symbol: l.symbol, qty: l.qty, side: l.side === 'BUY' ? 'SELL' : 'BUY', orderType: 'MARKET', productType: l.productType, orderTag: tag } });
  }
  if (exits.length === 0) return;
  let outcome: Execution;
  try {
    // Exits are closes: no all-or-nothing, buy-backs first, and sent however late it is (undoing
    // exposure is never worse than leaving it; the exit tags stop a recovering instance from repeating them).
    outcome = await executePlan(deps, exits, { allOrNothing: false, notAfter: Number.POSITIVE_INFINITY });
  } catch (e) {
    deps.logger.error('could not send the rollback exits', { error: e });
    for (const l of byN.values()) l.rolledBack = 'failed';
    return;
  }
  for (const r of outcome.legs) {
    const l = byN.get(r.leg)!;
    legs.push({ ...r, leg: legs.length, role: 'exit', exits: l.leg });
    l.rolledBack = isLive(r) ? 'exited' : 'failed';
  }
}


/**
 * After a crash or a lost answer: what the orderbook shows under the plan's tags. Undefined when none of
 * them is there. Otherwise nothing new is sent: found legs keep their state, missing ones are reported
 * not sent, and an incomplete structure is undone like any other failed one.
 */
export async function resumeFromBook(deps: ExecuteDeps, plan: PlannedOrder[], opts: ExecuteOptions): Promise<Execution | undefined> {
  const book = await deps.broker.findOrders({});
  const found = plan.map((p) => ({ p, o: book.find((x) => x.orderTag === p.order.orderTag) }));
  if (!found.some((f) => f.o)) return undefined;
  const legs = found.map(({ p, o }) =>
    o ? resultOf(p, legStatusOf(o), { orderId: o.orderId, ...(o.message && legStatusOf(o) === 'rejected' ? { reason: o.message } : {}) }) : resultOf(p, 'not-sent', { reason: 'interrupted before it was sent; not sent now' }),
  );
  return finishExecution(deps, legs, opts, 'an earlier attempt was interrupted');
}
