import type { Exchange, Instrument, SymbolIndex, TradingSession } from './instrument';
import { runNow, type Steps } from './stepwise';
import { parseSessionCell } from './trading-session';

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

const keyOf = (exchange: Exchange, underlying: string) => `${exchange}:${underlying}`;

/**
 * The session cell most rows of each exchange state (among cells that parse): a stray row with an odd
 * value does not move the market's hours. The stored index carries these, so it need not count again.
 */
export function* commonSessionCells(instruments: readonly Instrument[]): Steps<Map<Exchange, string>> {
  const counts = new Map<Exchange, Map<string, number>>();
  let n = 0;
  for (const inst of instruments) {
    if (++n % CHUNK === 0) yield;
    if (!inst.session) continue;
    let c = counts.get(inst.exchange);
    if (!c) counts.set(inst.exchange, (c = new Map()));
    c.set(inst.session, (c.get(inst.session) ?? 0) + 1);
  }
  const out = new Map<Exchange, string>();
  for (const [exchange, c] of counts) {
    const ranked = [...c].filter(([cell]) => parseSessionCell(cell)).sort((a, b) => b[1] - a[1]);
    if (ranked.length) out.set(exchange, ranked[0]![0]);
  }
  return out;
}

function* commonSessions(instruments: readonly Instrument[]): Steps<Map<Exchange, TradingSession>> {
  const cells = yield* commonSessionCells(instruments);
  return new Map([...cells].map(([exchange, cell]) => [exchange, parseSessionCell(cell)!]));
}

/** Contracts handled between two pauses when the index is built paced (a millisecond or two of work). */
const CHUNK = 2_000;

/**
 * Builds the query structures once, so each alert costs a few map lookups and one binary search instead of
 * a scan of ~100k rows inside TradingView's 3 s budget. Arrays handed out are frozen: the index is shared by
 * every request on the instance and must not be changed by one of them.
 * Chains are keyed by exchange and underlying: BSE lists options on SBIN, RELIANCE… under NSE's names, on
 * its own expiry days, and an index keyed by name alone mixed the two.
 * Duplicate tickers or contracts keep the first row seen.
 */
export function buildSymbolIndex(instruments: readonly Instrument[], version: string, meta?: SymbolIndex['meta']): SymbolIndex {
  return runNow(buildSymbolIndexSteps(instruments, version, meta));
}

/** buildSymbolIndex in steps of about CHUNK contracts (stepwise.ts), for an index built while alerts are served. */
export function* buildSymbolIndexSteps(instruments: readonly Instrument[], version: string, meta?: SymbolIndex['meta']): Steps<SymbolIndex> {
  const byTicker = new Map<string, Instrument>();
  const building = new Map<string, Map<number, Record<Side, Map<number, Instrument>>>>();
  const allUnderlyings = new Set<string>();
  const listings = new Map<string, Set<Exchange>>();

  let n = 0;
  for (const inst of instruments) {
    if (++n % CHUNK === 0) yield;
    if (byTicker.has(inst.ticker)) continue;
    byTicker.set(inst.ticker, inst);
    allUnderlyings.add(inst.underlying);
    if (inst.optionType === 'XX') continue;
    const key = keyOf(inst.exchange, inst.underlying);
    let byExpiry = building.get(key);
    if (!byExpiry) {
      building.set(key, (byExpiry = new Map()));
      let ex = listings.get(inst.underlying);
      if (!ex) listings.set(inst.underlying, (ex = new Set()));
      ex.add(inst.exchange);
    }
    let sides = byExpiry.get(inst.expiry);
    if (!sides) byExpiry.set(inst.expiry, (sides = { CE: new Map(), PE: new Map() }));
    if (!sides[inst.optionType].has(inst.strike)) sides[inst.optionType].set(inst.strike, inst);
  }

  const views = new Map<string, UnderlyingView>();
  let sortedSoFar = 0;
  for (const [key, byExpiry] of building) {
    const chains = new Map<number, Chain>();
    for (const [expiry, sides] of byExpiry) {
      const sorted = (m: Map<number, Instrument>) => Object.freeze([...m.keys()].sort((a, b) => a - b));
      chains.set(expiry, { bySide: sides, strikes: { CE: sorted(sides.CE), PE: sorted(sides.PE) } });
      sortedSoFar += sides.CE.size + sides.PE.size;
      if (sortedSoFar >= CHUNK) {
        sortedSoFar = 0;
        yield;
      }
    }
    views.set(key, { expiries: Object.freeze([...chains.keys()].sort((a, b) => a - b)), chains });
  }
  const underlyingList = Object.freeze([...allUnderlyings].sort());
  const listed = new Map([...listings].map(([u, ex]) => [u, Object.freeze([...ex].sort())]));
  const sessions = yield* commonSessions(instruments);
  const NONE: readonly Exchange[] = Object.freeze([]);

  return {
    version,
    instrumentCount: byTicker.size,
    ...(meta ? { meta } : {}),
    underlyings: () => underlyingList as string[],
    exchangesListing: (underlying) => (listed.get(underlying) ?? NONE) as Exchange[],
    optionExpiries(exchange, underlying, nowMs) {
      const expiries = views.get(keyOf(exchange, underlying))?.expiries ?? EMPTY;
      if (nowMs === undefined) return expiries as number[];
      // An expiry whose instant is exactly now is still listed; anything strictly before is gone.
      return expiries.slice(lowerBound(expiries, nowMs / 1000));
    },
    strikes: (exchange, underlying, expiry, optionType) =>
      (views.get(keyOf(exchange, underlying))?.chains.get(expiry)?.strikes[optionType] ?? EMPTY) as number[],
    find: (exchange, underlying, expiry, strike, optionType) => views.get(keyOf(exchange, underlying))?.chains.get(expiry)?.bySide[optionType].get(strike),
    byTicker: (ticker) => byTicker.get(ticker),
    session: (exchange) => sessions.get(exchange),
  };
}
