import type { Execution } from '../orders/execute/execute-plan';
import { planTag } from '../orders/order-tags';
import type { PlannedOrder } from '../orders/execute/order-plan';
import type { LegResult } from '../orders/leg-result';
import type { HeldLeg, HoldingChange, HoldingsStore, PendingOrder } from '../store/holdings.port';
import type { SymbolIndex } from '../symbols/instrument';
import { freezeQtyFor } from '../symbols/underlyings';
import { shortsFirst } from './transition-plan';

/** Which holding an order belongs to, so its fill can be booked there. */
export interface LegMeta {
  strategy: string;
  underlying: string;
  optionType: 'CE' | 'PE';
  lotSize: number;
  /** For a close: the side of the leg it reduces. */
  heldSide?: 'BUY' | 'SELL';
}

export interface PlanBuilder {
  plan: PlannedOrder[];
  meta: Map<number, LegMeta>;
}

/**
 * The freeze quantity of a contract, from the master's row for it (an override first); the executor
 * slices above it. The same rule as a single order's, so a 1430-unit close and a 1430-unit order agree.
 */
export function freezeOf(index: SymbolIndex, overrides: Record<string, number>) {
  return (ticker: string, underlying: string): number | undefined => freezeQtyFor(index.byTicker(ticker) ?? { underlying }, overrides)?.qty;
}

/** Reduce-only closes of the given legs, written legs first; each one order, sliced by the executor. */
export function addCloses(b: PlanBuilder, target: { strategy: string; underlying: string }, legs: HeldLeg[], baseTag: string, freeze: (ticker: string, underlying: string) => number | undefined): void {
  for (const l of shortsFirst(legs)) {
    const n = b.plan.length;
    b.plan.push({
      n,
      intent: 'close',
      lots: l.qty / l.lotSize,
      lotSize: l.lotSize,
      freezeQty: freeze(l.ticker, target.underlying),
      order: { symbol: l.ticker, qty: l.qty, side: l.side === 'BUY' ? 'SELL' : 'BUY', orderType: 'MARKET', productType: l.productType, orderTag: planTag(baseTag, 'close', n) },
    });
    b.meta.set(n, { ...target, optionType: l.optionType, lotSize: l.lotSize, heldSide: l.side });
  }
}

/** The contracts a plan closes: the bridge's own exits there are withdrawn before the closes leave. */
export const closedContracts = (b: PlanBuilder) => b.plan.filter((p) => p.intent === 'close').map((p) => ({ symbol: p.order.symbol, productType: p.order.productType }));

/** Units of a leg the broker has filled, as far as the execution knows. */
export const filledUnits = (r: LegResult): number => (r.status === 'filled' ? (r.filledQty ?? r.qty) : (r.filledQty ?? 0));

/**
 * Whether the broker may still fill more of a leg: it rests, its answer was lost, or it was sliced and
 * some slices filled beside one that was refused (the others may still be working).
 */
const mayFillMore = (r: LegResult): boolean =>
  r.orderTag !== undefined && (r.status === 'working' || r.status === 'unknown' || (r.status === 'rejected' && filledUnits(r) > 0));

/** One order as the book sees it: what it does to which leg, how much of it filled, and whether more may. */
export interface BookedOrder {
  orderTag?: string;
  role: 'open' | 'close';
  /** The order's own side (a close of a long sells). */
  side: 'BUY' | 'SELL';
  symbol: string;
  productType: string;
  optionType: 'CE' | 'PE';
  lotSize: number;
  /** The order's units, and how many have filled. */
  qty: number;
  filled: number;
  mayFillMore: boolean;
  /** For a close: the side of the leg it reduces (default: the opposite of the order's). */
  heldSide?: 'BUY' | 'SELL';
}

/** The change to a holding that books these orders: fills now, and every order that may still fill as pending. */
export function bookingOf(orders: BookedOrder[], nowMs: number): Pick<HoldingChange, 'add' | 'remove' | 'pending'> {
  const add: HeldLeg[] = [];
  const remove: HoldingChange['remove'] = [];
  const pending: PendingOrder[] = [];
  for (const o of orders) {
    const side = o.role === 'open' ? o.side : (o.heldSide ?? (o.side === 'BUY' ? 'SELL' : 'BUY'));
    const leg: HeldLeg = { ticker: o.symbol, optionType: o.optionType, side, qty: o.qty, lotSize: o.lotSize, productType: o.productType === 'MARGIN' ? 'MARGIN' : 'INTRADAY' };
    if (o.filled > 0 && o.role === 'open') add.push({ ...leg, qty: o.filled });
    if (o.filled > 0 && o.role === 'close') remove.push({ ticker: leg.ticker, side, qty: o.filled });
    if (o.mayFillMore && o.orderTag) pending.push({ orderTag: o.orderTag, intent: o.role, leg, booked: o.filled, bookedAt: nowMs });
  }
  return { add, remove, ...(pending.length ? { pending } : {}) };
}

/**
 * Books what the broker has filled of each order into its holding, once per key, and keeps every order
 * it may still fill as pending, so the strategy's next alert settles it against the orderbook. Accepted
 * is not filled: a close resting at the broker leaves the leg held, an open resting adds nothing yet.
 */
export async function bookExecution(holdings: HoldingsStore, b: PlanBuilder, ex: Pick<Execution, 'legs'>, key: string, nowMs: number): Promise<void> {
  const byHolding = new Map<string, { strategy: string; underlying: string; orders: BookedOrder[] }>();
  for (const [n, m] of b.meta) {
    const r = ex.legs.find((l) => l.leg === n && l.role !== 'exit');
    if (!r || r.role === 'exit') continue;
    // A leg a broken structure undid holds what it filled until the order undoing it fills (that exit
    // may rest, or have been refused); a cancelled or exited leg itself fills no more, one whose
    // cancel failed ('failed') still may.
    const undone = r.role === 'open' && r.rolledBack !== undefined;
    const exits = undone ? ex.legs.filter((l) => l.role === 'exit' && l.exits === n) : [];
    const orders: BookedOrder[] = [
      { orderTag: r.orderTag, role: r.role, side: r.side, symbol: r.symbol, productType: r.productType, qty: r.qty, filled: filledUnits(r), mayFillMore: (!undone || r.rolledBack === 'failed') && mayFillMore(r), ...(m.heldSide ? { heldSide: m.heldSide } : {}), optionType: m.optionType, lotSize: m.lotSize },
      ...exits.map((x): BookedOrder => ({ orderTag: x.orderTag, role: 'close', side: x.side, heldSide: r.side, symbol: x.symbol, productType: x.productType, qty: x.qty, filled: filledUnits(x), mayFillMore: mayFillMore(x), optionType: m.optionType, lotSize: m.lotSize })),
    ].filter((o) => o.filled > 0 || o.mayFillMore);
    if (orders.length === 0) continue;
    const id = `${m.strategy}|${m.underlying}`;
    const h = byHolding.get(id) ?? { strategy: m.strategy, underlying: m.underlying, orders: [] };
    byHolding.set(id, h);
    h.orders.push(...orders);
  }
  for (const h of byHolding.values()) await holdings.apply(h.strategy, h.underlying, { key, nowMs, ...bookingOf(h.orders, nowMs) });
}
