import type { Instrument, SymbolIndex } from './instrument';

type Side = 'CE' | 'PE';

interface Chain {
  readonly bySide: Record<Side, Map<number, Instrument>>;
  readonly strikes: Record<Side, readonly number[]>;
}

interface UnderlyingView {
  /** Ascending option expiries, epoch seconds. */
  readonly expiries: readonly number[];
  readonly chains: ReadonlyMap<number, Chain>;
}

const EMPTY: readonly number[] = Object.freeze([]);

/** First position in ascending `xs` whose value is >= `x`. */
function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Builds the query structures once, so each alert costs a few map lookups and one binary search instead of
 * a scan of ~100k rows inside TradingView's 3 s budget. Arrays handed out are frozen: the index is shared by
 * every request on the instance and must not be changed by one of them.
 * Duplicate tickers or contracts keep the first row seen.
 */
export function buildSymbolIndex(instruments: readonly Instrument[], version: string): SymbolIndex {
  const byTicker = new Map<string, Instrument>();
  const building = new Map<string, Map<number, Record<Side, Map<number, Instrument>>>>();
  const allUnderlyings = new Set<string>();

  for (const inst of instruments) {
    if (byTicker.has(inst.ticker)) continue;
    byTicker.set(inst.ticker, inst);
    allUnderlyings.add(inst.underlying);
    if (inst.optionType === 'XX') continue;
    let byExpiry = building.get(inst.underlying);
    if (!byExpiry) building.set(inst.underlying, (byExpiry = new Map()));
    let sides = byExpiry.get(inst.expiry);
    if (!sides) byExpiry.set(inst.expiry, (sides = { CE: new Map(), PE: new Map() }));
    if (!sides[inst.optionType].has(inst.strike)) sides[inst.optionType].set(inst.strike, inst);
  }

  const views = new Map<string, UnderlyingView>();
  for (const [underlying, byExpiry] of building) {
    const chains = new Map<number, Chain>();
    for (const [expiry, sides] of byExpiry) {
      const sorted = (m: Map<number, Instrument>) => Object.freeze([...m.keys()].sort((a, b) => a - b));
      chains.set(expiry, { bySide: sides, strikes: { CE: sorted(sides.CE), PE: sorted(sides.PE) } });
    }
    views.set(underlying, { expiries: Object.freeze([...chains.keys()].sort((a, b) => a - b)), chains });
  }
  const underlyingList = Object.freeze([...allUnderlyings].sort());

  return {
    version,
    instrumentCount: byTicker.size,
    underlyings: () => underlyingList as string[],
    optionExpiries(underlying, nowMs) {
      const expiries = views.get(underlying)?.expiries ?? EMPTY;
      if (nowMs === undefined) return expiries as number[];
      // An expiry whose instant is exactly now is still listed; anything strictly before is gone.
      return expiries.slice(lowerBound(expiries, nowMs / 1000));
    },
    strikes: (underlying, expiry, optionType) =>
      (views.get(underlying)?.chains.get(expiry)?.strikes[optionType] ?? EMPTY) as number[],
    find: (underlying, expiry, strike, optionType) => views.get(underlying)?.chains.get(expiry)?.bySide[optionType].get(strike),
    byTicker: (ticker) => byTicker.get(ticker),
  };
}
