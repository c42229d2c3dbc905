import type { Execution } from '../orders/execute/execute-plan';
import { planTag } from '../orders/order-tags';
import type { PlannedOrder } from '../orders/execute/order-plan';
import { isLive } from '../orders/leg-result';
import type { HeldLeg, HoldingsStore } from '../store/holdings.port';
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

/** Books what actually stands after an execution into each holding, once per key. */
export async function bookExecution(holdings: HoldingsStore, b: PlanBuilder, ex: Pick<Execution, 'legs'>, key: string, nowMs: number): Promise<void> {
  const changes = new Map<string, { strategy: string; underlying: string; add: HeldLeg[]; remove: Array<Pick<HeldLeg, 'ticker' | 'side' | 'qty'>> }>();
  for (const [n, m] of b.meta) {
    const r = ex.legs.find((l) => l.leg === n && l.role !== 'exit');
    if (!r || !isLive(r)) continue;
    const id = `${m.strategy}|${m.underlying}`;
    const c = changes.get(id) ?? { strategy: m.strategy, underlying: m.underlying, add: [], remove: [] };
    changes.set(id, c);
    if (r.role === 'open' && !r.rolledBack) {
      c.add.push({ ticker: r.symbol, optionType: m.optionType, side: r.side, qty: r.qty, lotSize: m.lotSize, productType: r.productType === 'MARGIN' ? 'MARGIN' : 'INTRADAY' });
    } else if (r.role === 'close') {
      c.remove.push({ ticker: r.symbol, side: m.heldSide ?? (r.side === 'BUY' ? 'SELL' : 'BUY'), qty: r.qty });
    }
  }
  for (const c of changes.values()) await holdings.apply(c.strategy, c.underlying, { key, nowMs, add: c.add, remove: c.remove });
}
