/**
 * What each strategy holds, per underlying. One account runs several strategies, and the broker's
 * positions cannot tell them apart, so the bridge keeps its own book and reconciles it against the
 * broker's positions before acting on it.
 */
export interface HeldLeg {
  ticker: string;
  optionType: 'CE' | 'PE';
  /** The side that opened it: BUY is a long option, SELL a written one. */
  side: 'BUY' | 'SELL';
  /** Units (lots x lot size), always positive. */
  qty: number;
  lotSize: number;
  productType: 'INTRADAY' | 'MARGIN';
}

export interface Holding {
  strategy: string;
  underlying: string;
  legs: HeldLeg[];
  updatedAt: number;
  /** Alert keys whose fills are already in `legs`, newest last: applying the same alert twice changes nothing. */
  applied: string[];
}

export interface HoldingChange {
  /** The alert (or run) this change comes from; a change already applied is skipped. */
  key: string;
  nowMs: number;
  /** Fills to add (open) or take away (close), in units. */
  add: HeldLeg[];
  remove: Array<Pick<HeldLeg, 'ticker' | 'side' | 'qty'>>;
}

export interface HoldingsStore {
  get(strategy: string, underlying: string): Promise<Holding | undefined>;
  /** Holdings with at least one leg, filtered by strategy and/or underlying. */
  list(filter: { strategy?: string; underlying?: string }): Promise<Holding[]>;
  /** Applies a change atomically (transaction / per-key lock), at most once per `key`. */
  apply(strategy: string, underlying: string, change: HoldingChange): Promise<Holding>;
}

const MAX_APPLIED = 50;

/** The pure step both adapters run inside their atomic section. */
export function applyHoldingChange(current: Holding | undefined, strategy: string, underlying: string, change: HoldingChange): Holding {
  const base: Holding = current ?? { strategy, underlying, legs: [], updatedAt: change.nowMs, applied: [] };
  if (base.applied.includes(change.key)) return base;
  const legs = base.legs.map((l) => ({ ...l }));
  for (const a of change.add) {
    const same = legs.find((l) => l.ticker === a.ticker && l.side === a.side && l.productType === a.productType);
    if (same) same.qty += a.qty;
    else legs.push({ ...a });
  }
  for (const r of change.remove) {
    const same = legs.find((l) => l.ticker === r.ticker && l.side === r.side);
    if (same) same.qty = Math.max(0, same.qty - r.qty);
  }
  return {
    strategy,
    underlying,
    legs: legs.filter((l) => l.qty > 0),
    updatedAt: change.nowMs,
    applied: [...base.applied, change.key].slice(-MAX_APPLIED),
  };
}

export const holdingId = (strategy: string, underlying: string) => `${strategy}|${underlying}`;
