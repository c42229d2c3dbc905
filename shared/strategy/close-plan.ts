import type { Execution } from '../orders/execute/execute-plan';
import { planTag } from '../orders/order-tags';
import type { PlannedOrder } from '../orders/execute/order-plan';
import type { LegResult } from '../orders/leg-result';
import type { HeldLeg, HoldingsStore, PendingOrder } from '../store/holdings.port';
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

/**
 * Books what the broker has filled of each order into its holding, once per key, and keeps every order
 * it may still fill as pending, so the strategy's next alert settles it against the orderbook. Accepted
 * is not filled: a close resting at the broker leaves the leg held, an open resting adds nothing yet.
 */
export async function bookExecution(holdings: HoldingsStore, b: PlanBuilder, ex: Pick<Execution, 'legs'>, key: string, nowMs: number): Promise<void> {
  const changes = new Map<string, { strategy: string; underlying: string; add: HeldLeg[]; remove: Array<Pick<HeldLeg, 'ticker' | 'side' | 'qty'>>; pending: PendingOrder[] }>();
  for (const [n, m] of b.meta) {
    const r = ex.legs.find((l) => l.leg === n && l.role !== 'exit');
    // An open a broken structure undid holds nothing (its own exit order closed what filled).
    if (!r || r.role === 'exit' || (r.role === 'open' && r.rolledBack)) continue;
    const filled = filledUnits(r);
    const pending = mayFillMore(r);
    if (filled === 0 && !pending) continue;
    const id = `${m.strategy}|${m.underlying}`;
    const c = changes.get(id) ?? { strategy: m.strategy, underlying: m.underlying, add: [], remove: [], pending: [] };
    changes.set(id, c);
    const side = r.role === 'open' ? r.side : (m.heldSide ?? (r.side === 'BUY' ? 'SELL' : 'BUY'));
    const leg: HeldLeg = { ticker: r.symbol, optionType: m.optionType, side, qty: r.qty, lotSize: m.lotSize, productType: r.productType === 'MARGIN' ? 'MARGIN' : 'INTRADAY' };
    if (filled > 0 && r.role === 'open') c.add.push({ ...leg, qty: filled });
    if (filled > 0 && r.role === 'close') c.remove.push({ ticker: leg.ticker, side, qty: filled });
    if (pending) c.pending.push({ orderTag: r.orderTag!, intent: r.role, leg, booked: filled });
  }
  for (const c of changes.values()) {
    await holdings.apply(c.strategy, c.underlying, { key, nowMs, add: c.add, remove: c.remove, ...(c.pending.length ? { pending: c.pending } : {}) });
  }
}
