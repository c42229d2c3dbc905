import type { Broker, OrderReport, Side } from '../broker/broker.port';
import { istParts } from '../platform/ist';

/** An order as the operator reads it: its state in words, and its fills when the broker reports them. */
export type OrderState = 'working' | 'partly filled' | 'filled' | 'cancelled' | 'rejected' | 'expired' | 'in transit' | 'unknown';

export interface OrderView {
  orderId: string;
  symbol: string;
  side: Side;
  qty: number;
  productType: string;
  state: OrderState;
  filledQty?: number;
  avgFillPrice?: number;
  placedAt?: number;
  orderTag?: string;
  message?: string;
}

/** Today's orders for the console. A port, so order records with fills (the lifecycle work) can replace the broker's book. */
export interface OrderViews {
  today(nowMs: number): Promise<OrderView[]>;
}

const STATE_WORDS: Record<OrderReport['state'], OrderState> = {
  working: 'working',
  partially_filled: 'partly filled',
  filled: 'filled',
  cancelled: 'cancelled',
  rejected: 'rejected',
  expired: 'expired',
};

export function toOrderView(o: OrderReport): OrderView {
  return {
    orderId: o.orderId,
    symbol: o.symbol,
    side: o.side,
    qty: o.qty,
    productType: o.productType,
    state: STATE_WORDS[o.state] ?? 'unknown',
    filledQty: o.filledQty,
    ...(o.avgPrice !== undefined ? { avgFillPrice: o.avgPrice } : {}),
    ...(o.placedAt !== undefined ? { placedAt: o.placedAt } : {}),
    ...(o.orderTag !== undefined ? { orderTag: o.orderTag } : {}),
    ...(o.message !== undefined ? { message: o.message } : {}),
  };
}

/** Today's orders (IST) from the broker's own book, newest first. */
export function orderViewsFromBroker(broker: Pick<Broker, 'findOrders'>): OrderViews {
  return {
    async today(nowMs) {
      const day = istParts(nowMs).date;
      const orders = await broker.findOrders({});
      return orders
        .filter((o) => o.placedAt === undefined || istParts(o.placedAt).date === day)
        .map(toOrderView)
        .sort((a, b) => (b.placedAt ?? 0) - (a.placedAt ?? 0));
    },
  };
}
