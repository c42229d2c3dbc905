import type { Exchange, Instrument, SymbolIndex, TradingSession } from './instrument';
import { buildSymbolIndex } from './symbol-index';

/** One underlying's contracts, decoded when first asked for. */
export interface IndexSection {
  readonly underlying: string;
  decode(): readonly Instrument[];
}

export interface SectionedIndexParts {
  version: string;
  meta?: SymbolIndex['meta'];
  /** Distinct tickers across every section. */
  instrumentCount: number;
  sections: readonly IndexSection[];
  /** Tickers whose symbol does not start with their underlying's name, with that underlying. */
  strays: ReadonlyMap<string, string>;
  sessions: ReadonlyMap<Exchange, TradingSession>;
}

const EMPTY: readonly number[] = Object.freeze([]);
const NONE: readonly Exchange[] = Object.freeze([]);

/**
 * A symbol index that decodes one underlying at a time, on the first query that needs it. A new
 * instance used to decode the whole master (~100k contracts: 300-600 ms, 600 ms in a cold process)
 * before it could answer its first alert; now that alert decodes one underlying's contracts (a few
 * thousand at most: ~70 ms for 3,600 in a cold process), and a swap costs only the header. Each underlying's part is an ordinary index (buildSymbolIndex) of
 * exactly its own contracts, and every query but byTicker names its underlying, so each answer is the
 * one an index of the whole master gives.
 *
 * byTicker finds the underlying from the ticker: a Fyers symbol starts with its underlying's name
 * (NSE:NIFTY26AUG24500CE), and the encoder lists every ticker that does not (`strays`). Names that
 * begin other names (NIFTY, NIFTYNXT50) are tried longest first.
 */
export function sectionedSymbolIndex(parts: SectionedIndexParts): SymbolIndex {
  const sections = new Map(parts.sections.map((s) => [s.underlying, s]));
  const built = new Map<string, SymbolIndex>();
  const longestFirst = [...sections.keys()].sort((a, b) => b.length - a.length);
  const underlyings = Object.freeze([...sections.keys()].sort());

  const part = (underlying: string): SymbolIndex | undefined => {
    let index = built.get(underlying);
    if (index) return index;
    const section = sections.get(underlying);
    if (!section) return undefined;
    index = buildSymbolIndex(section.decode(), parts.version);
    built.set(underlying, index);
    return index;
  };

  return {
    version: parts.version,
    instrumentCount: parts.instrumentCount,
    ...(parts.meta ? { meta: parts.meta } : {}),
    underlyings: () => underlyings as string[],
    exchangesListing: (underlying) => part(underlying)?.exchangesListing(underlying) ?? (NONE as Exchange[]),
    optionExpiries: (exchange, underlying, nowMs) => part(underlying)?.optionExpiries(exchange, underlying, nowMs) ?? (EMPTY as number[]),
    strikes: (exchange, underlying, expiry, optionType) => part(underlying)?.strikes(exchange, underlying, expiry, optionType) ?? (EMPTY as number[]),
    find: (exchange, underlying, expiry, strike, optionType) => part(underlying)?.find(exchange, underlying, expiry, strike, optionType),
    byTicker(ticker) {
      const stray = parts.strays.get(ticker);
      if (stray !== undefined) return part(stray)?.byTicker(ticker);
      const symbol = ticker.slice(ticker.indexOf(':') + 1);
      for (const name of longestFirst) {
        if (!symbol.startsWith(name)) continue;
        const found = part(name)!.byTicker(ticker);
        if (found) return found;
      }
      return undefined;
    },
    session: (exchange) => parts.sessions.get(exchange),
  };
}
