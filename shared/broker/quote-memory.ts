import type { Clock } from '../platform/clock';
import type { Broker } from './broker.port';

/**
 * The last price every quote this instance asked for returned, kept for `maxAgeMs`. A MARKET order's
 * reply shows an LTP only for information; asking the broker for it would spend a second call of the
 * per-second budget on every alert (halving the burst an instance can place), so the reply takes a
 * price some other read fetched within the last second, or none.
 */
export interface QuoteMemory {
  /** The broker, its quotes remembered. */
  broker: Broker;
  recentQuote: (ticker: string) => number | undefined;
  /** Prices no older than `maxAgeMs` from memory, one broker call for the rest (none when all are fresh). */
  freshQuotes: (tickers: string[]) => Promise<Map<string, number>>;
}

export function withQuoteMemory(broker: Broker, opts: { clock: Clock; maxAgeMs?: number }): QuoteMemory {
  const maxAgeMs = opts.maxAgeMs ?? 1000;
  const seen = new Map<string, { ltp: number; at: number }>();
  const getQuotes: Broker['getQuotes'] = async (tickers) => {
    const quotes = await broker.getQuotes(tickers);
    const at = opts.clock();
    for (const [ticker, ltp] of quotes) seen.set(ticker, { ltp, at });
    // Bounded: a day's distinct contracts are a few hundred; drop the oldest beyond that.
    if (seen.size > 2000) for (const k of [...seen.keys()].slice(0, seen.size - 2000)) seen.delete(k);
    return quotes;
  };
  const recentQuote = (ticker: string) => {
    const q = seen.get(ticker);
    return q && opts.clock() - q.at <= maxAgeMs ? q.ltp : undefined;
  };
  return {
    broker: { ...broker, getQuotes },
    recentQuote,
    async freshQuotes(tickers) {
      const out = new Map<string, number>();
      const missing: string[] = [];
      for (const t of new Set(tickers)) {
        const ltp = recentQuote(t);
        if (ltp === undefined) missing.push(t);
        else out.set(t, ltp);
      }
      if (missing.length) for (const [t, ltp] of await getQuotes(missing)) out.set(t, ltp);
      return out;
    },
  };
}
