import { BrokerUnavailableError } from '../errors';
import type { Broker } from './broker.port';
import type { RequestPacer } from './request-pacer';

/** Fyers' quotes endpoint takes at most 50 symbols per call. */
const MAX_SYMBOLS_PER_QUOTE = 50;

/**
 * Every call to the broker goes through the instance's pacer. Quote requests that arrive within the
 * same few milliseconds (a multi-leg strategy firing at once) share one call, which is what lets a
 * burst of 30 alerts fit in Fyers' 10 requests per second. A 429 pauses the pacer for its Retry-After.
 */
export function withPacing(inner: Broker, pacer: RequestPacer, opts: { coalesceMs: number }): Broker {
  const paced = async <T>(fn: () => Promise<T>, notAfter?: number): Promise<T> => {
    const r = await pacer.run(async () => {
      try {
        return await fn();
      } catch (e) {
        const retryAfterMs = e instanceof BrokerUnavailableError ? Number(e.details?.retryAfterMs) : NaN;
        if (Number.isFinite(retryAfterMs)) pacer.pauseFor(retryAfterMs);
        throw e;
      }
    }, { notAfter });
    if (!r) throw new BrokerUnavailableError('Too many broker calls are queued right now; nothing was sent. TradingView will retry.', { retryAfterMs: 5000 });
    return r.value;
  };

  let batch: { tickers: Set<string>; result: Promise<Map<string, number>> } | undefined;
  const getQuotes = (tickers: string[]): Promise<Map<string, number>> => {
    if (batch && batch.tickers.size + tickers.length <= MAX_SYMBOLS_PER_QUOTE) {
      for (const t of tickers) batch.tickers.add(t);
      return batch.result;
    }
    const tickerSet = new Set(tickers);
    const result = new Promise<void>((r) => setTimeout(r, opts.coalesceMs)).then(() => {
      if (batch?.tickers === tickerSet) batch = undefined;
      return paced(() => inner.getQuotes([...tickerSet]));
    });
    batch = { tickers: tickerSet, result };
    return result;
  };

  return {
    name: inner.name,
    getQuotes,
    getPositions: () => paced(() => inner.getPositions()),
    placeOrder: (o, opts) => paced(() => inner.placeOrder(o, opts), opts?.notAfter),
    placeBasket: (orders, opts) => paced(() => inner.placeBasket(orders, opts), opts?.notAfter),
    cancelOrder: (id) => paced(() => inner.cancelOrder(id)),
    getFunds: () => paced(() => inner.getFunds()),
    findOrders: (q) => paced(() => inner.findOrders(q)),
    checkSession: () => paced(() => inner.checkSession()),
  };
}
