import type { HeldLeg, HoldingsStore } from '../store/holdings.port';
import { UNDERLYINGS } from '../symbols/underlyings';
import { legTag, type Execution, type PlannedOrder } from './execute-legs';
import { isLive } from './leg-result';
import { shortsFirst, sliceQty } from './transition-plan';

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

export const freezeQtyFor = (underlying: string, overrides: Record<string, number>) => overrides[underlying] ?? UNDERLYINGS[underlying]?.freezeQty;

/** Reduce-only closes of the given legs, written legs first, sliced at the freeze limit. */
export function addCloses(b: PlanBuilder, target: { strategy: string; underlying: string }, legs: HeldLeg[], baseTag: string, freezeQty: number | undefined): void {
  for (const l of shortsFirst(legs)) {
    for (const qty of sliceQty(l.qty, l.lotSize, freezeQty)) {
      const n = b.plan.length;
      b.plan.push({
        n,
        role: 'close',
        lots: qty / l.lotSize,
        order: { symbol: l.ticker, qty, side: l.side === 'BUY' ? 'SELL' : 'BUY', orderType: 'MARKET', productType: l.productType, orderTag: legTag(baseTag, 'close', n) },
      });
      b.meta.set(n, { ...target, optionType: l.optionType, lotSize: l.lotSize, heldSide: l.side });
    }
  }
}

/** Books what actually stands after an execution into each holding, once per key. */
export async function bookExecution(holdings: HoldingsStore, b: PlanBuilder, ex: Execution, key: string, nowMs: number): Promise<void> {
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
