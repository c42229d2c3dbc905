import type { Broker, BrokerOrder, Side } from '../broker/broker.port';

export interface ExistingOrderQuery {
  orderTag?: string;
  symbol: string;
  side: Side;
  qty: number;
  /** When the claim was first made; an untagged match must be no older than this (less clock skew). */
  since: number;
}

const SKEW_MS = 5_000;

/**
 * Looks for an order we may already have placed. Tagged orders are found by tag. CO/BO orders cannot
 * carry a tag at Fyers, so they are matched on symbol, side, quantity and time instead — weaker, and
 * the result says which method found it.
 */
export async function findExistingOrder(broker: Broker, q: ExistingOrderQuery): Promise<{ order: BrokerOrder; method: string; slices?: BrokerOrder[] } | undefined> {
  if (q.orderTag) {
    const tagged = (await broker.findOrders({ tag: q.orderTag })).filter((o) => o.orderTag === q.orderTag);
    const order = tagged[0];
    // A sliced order is several orders under the one tag: all of them are the alert's order.
    return order ? { order, method: 'orderbook-tag', ...(tagged.length > 1 ? { slices: tagged } : {}) } : undefined;
  }
  const all = await broker.findOrders({});
  const order = all.find(
    (o) => o.symbol === q.symbol && o.side === q.side && o.qty === q.qty && (o.placedAt === undefined || o.placedAt >= q.since - SKEW_MS),
  );
  return order ? { order, method: 'orderbook-match' } : undefined;
}

/** Fyers order status 5 = rejected; anything else means the order exists at the exchange side. */
export const isRejectedStatus = (status: number) => status === 5;
