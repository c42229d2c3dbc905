import { BrokerRateLimitedError } from '../../errors';
import type { Broker, PlaceOptions } from '../broker.port';
import type { PacerPriority, RequestPacer } from './request-pacer';

/** How long after the pacer refuses a queued call TradingView is told to come back. */
const QUEUE_FULL_RETRY_AFTER_MS = 5000;

/**
 * Every call to the broker goes through the instance's pacer, which is the one owner of rate limits
 * and of retrying them. Quote requests that arrive within the same few milliseconds (a multi-leg
 * strategy firing at once) share one call, which is what lets a burst of 30 alerts fit in Fyers' 10
 * requests per second. A 429 pauses the pacer for its Retry-After; a placement is then retried once,
 * through the same queue, only if it can still leave by the caller's `retryUntil` (and `notAfter`).
 * A 429 is a certain non-placement, so that one retry cannot double an order. Order writes (place,
 * basket, modify, cancel) queue ahead of every read: the orderbook can wait a second, an order cannot.
 */
export function withPacing(inner: Broker, pacer: RequestPacer, opts: { coalesceMs: number }): Broker {
  const paced = async <T>(fn: () => Promise<T>, limit: PlaceOptions = {}, priority: PacerPriority = 'read'): Promise<T> => {
    let r: { value: T } | undefined;
    try {
      r = await pacer.run(fn, { notAfter: limit.notAfter, priority });
    } catch (e) {
      if (!(e instanceof BrokerRateLimitedError)) throw e;
      pacer.pauseFor(e.retryAfterMs);
      if (limit.retryUntil === undefined) throw e;
      // The pause holds the retry back in the queue; the pacer drops it if it cannot leave in time.
      const retried = await pacer.run(fn, { notAfter: Math.min(limit.notAfter ?? Infinity, limit.retryUntil), priority }).catch((again: unknown) => {
        if (again instanceof BrokerRateLimitedError) pacer.pauseFor(again.retryAfterMs);
        throw again;
      });
      if (!retried) throw e;
      return retried.value;
    }
    if (!r) throw new BrokerRateLimitedError('Too many broker calls are queued right now; nothing was sent. TradingView will retry.', QUEUE_FULL_RETRY_AFTER_MS, { source: 'pacer' });
    return r.value;
  };

  const batchLimit = inner.quoteBatchLimit ?? Infinity;
  let batch: { tickers: Set<string>; result: Promise<Map<string, number>> } | undefined;
  const getQuotes = (tickers: string[]): Promise<Map<string, number>> => {
    if (batch && batch.tickers.size + tickers.length <= batchLimit) {
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
    quoteBatchLimit: inner.quoteBatchLimit,
    assertAvailable: () => inner.assertAvailable?.(),
    getQuotes,
    getPositions: () => paced(() => inner.getPositions()),
    placeOrder: (o, options) =>
      paced(async () => {
        await options?.beforeSend?.();
        return inner.placeOrder(o, options);
      }, options, 'write'),
    placeBasket: (orders, options) =>
      paced(async () => {
        await options?.beforeSend?.();
        return inner.placeBasket(orders, options);
      }, options, 'write'),
    modifyOrder: (id, change) => paced(() => inner.modifyOrder(id, change), {}, 'write'),
    cancelOrder: (id) => paced(() => inner.cancelOrder(id), {}, 'write'),
    getFunds: () => paced(() => inner.getFunds()),
    findOrders: (q) => paced(() => inner.findOrders(q)),
    tradebook: () => paced(() => inner.tradebook()),
    checkSession: () => paced(() => inner.checkSession()),
  };
}
