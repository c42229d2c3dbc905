import type { Broker, OrderReport, OrderState } from '../broker/broker.port';
import type { OrderResult } from './order-result';
import { foundFilled, slicesFromOrderbook } from './accepted-order';

export interface ExistingOrderQuery {
  /** Every order the bridge sends is tagged; a claim without a tag (from before CO/BO were retired) finds nothing. */
  orderTag?: string;
}

export interface FoundOrder {
  order: OrderReport;
  /** 'orderbook-tag'. */
  method: string;
  /** A sliced order: every order under the one tag (the first is `order`). */
  slices?: OrderReport[];
}

/**
 * Looks for an order we may already have placed, by its tag. Every order is tagged now that CO/BO (which
 * Fyers forbade to tag) are gone, so there is no weaker match on symbol, side and time any more.
 */
export async function findExistingOrder(broker: Broker, q: ExistingOrderQuery): Promise<FoundOrder | undefined> {
  if (!q.orderTag) return undefined;
  const tagged = (await broker.findOrders({ tag: q.orderTag })).filter((o) => o.orderTag === q.orderTag);
  const order = tagged[0];
  // A sliced order is several orders under the one tag: all of them are the alert's order.
  return order ? { order, method: 'orderbook-tag', ...(tagged.length > 1 ? { slices: tagged } : {}) } : undefined;
}

/** States in which the order is not (or no longer) at the exchange: the alert did not become a live order. */
const NOT_PLACED: ReadonlySet<OrderState> = new Set(['rejected', 'cancelled', 'expired']);

/**
 * What a found order means for the alert. A cancelled or expired order is not "placed": it reached the
 * broker and ended there, so it is reported as not placed (status `rejected`, naming the state), and it
 * is never re-sent, because the alert already had its one order.
 */
export function resultFromFound(found: FoundOrder): Pick<OrderResult, 'status' | 'orderId' | 'reason' | 'recoveredBy' | 'filled' | 'slices'> {
  const { order } = found;
  if (!NOT_PLACED.has(order.state)) {
    return { status: 'placed', orderId: order.orderId, reason: undefined, recoveredBy: found.method, filled: foundFilled(found) || undefined, ...slicesFromOrderbook(found) };
  }
  const reason = order.state === 'rejected' ? order.message ?? 'rejected by the broker' : `the order was ${order.state} at the broker${order.message ? `: ${order.message}` : ''}`;
  return { status: 'rejected', orderId: order.orderId, reason, recoveredBy: found.method };
}
