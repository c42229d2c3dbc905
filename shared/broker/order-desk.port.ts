import type { PlaceOutcome, Side } from './broker.port';

/**
 * The broker as the order lifecycle sees it: what became of orders (orderbook, tradebook), and the
 * orders it places and withdraws itself (managed exits). Kept apart from the Broker port, which the
 * alert path uses, so nothing here can creep into that path.
 *
 * Certainty contract as for Broker.placeOrder: `place`, `cancel` and `modify` throw only when it is
 * certain nothing reached the broker; after that they resolve, with `unknown` when the answer was lost.
 */

/** An order's state in the broker's book, in our words (Fyers codes stay in the adapter). */
export type BrokerOrderState = 'working' | 'partially_filled' | 'filled' | 'rejected' | 'cancelled' | 'expired';

/** One order as the broker reports it (orderbook row or postback). */
export interface OrderStatusReport {
  orderId: string;
  symbol: string;
  side: Side;
  qty: number;
  productType: string;
  state: BrokerOrderState;
  filledQty: number;
  /** Average fill price, when anything filled. */
  avgPrice?: number;
  /** Epoch ms of the broker's latest timestamp for the order, when it gives one. */
  exchangeTime?: number;
  /** The broker's text: the RMS reason on a rejection, for instance. */
  message?: string;
  orderTag?: string;
}

export interface TradeFill {
  orderId: string;
  tradeId: string;
  qty: number;
  price: number;
  at?: number;
}

export interface ExitOrderRequest {
  symbol: string;
  side: Side;
  qty: number;
  productType: string;
  /** stop-limit: Fyers type 4 (SL-L), triggers at stopPrice and rests at limitPrice. */
  kind: 'stop-limit' | 'limit' | 'market';
  limitPrice?: number;
  stopPrice?: number;
  /** Alphanumeric ≤ 30; how a lost reply is found again. */
  orderTag: string;
}

export type CancelOutcome = { status: 'cancelled' } | { status: 'not-open'; reason: string } | { status: 'unknown'; reason: string };
export type ModifyOutcome = { status: 'modified' } | { status: 'refused'; reason: string } | { status: 'unknown'; reason: string };

export interface OrderDesk {
  /** The whole day's orderbook. */
  orderbook(): Promise<OrderStatusReport[]>;
  /** The whole day's fills. */
  tradebook(): Promise<TradeFill[]>;
  /** Orders carrying `tag` (recovery of a placement whose answer was lost). */
  findByTag(tag: string): Promise<OrderStatusReport[]>;
  place(order: ExitOrderRequest): Promise<PlaceOutcome>;
  cancel(orderId: string): Promise<CancelOutcome>;
  modify(orderId: string, change: { qty?: number; limitPrice?: number; stopPrice?: number }): Promise<ModifyOutcome>;
}
