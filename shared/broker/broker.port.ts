/**
 * The broker port. Fyers and paper implement it; the use case sees nothing else.
 *
 * Contract on certainty, which the whole exactly-once design rests on:
 * - `placeOrder` THROWS only when it is certain the order did not reach the broker
 *   (connection refused before send, 429 from the rate limiter, dead session, invalid request
 *   refused before send) — the caller may then release its claim and let TradingView retry.
 * - Anything after the request may have left the process (timeout, reset, 5xx, Fyers code 201)
 *   RESOLVES as `{ status: 'unknown' }`; the caller must look the order up, never blindly re-send.
 * - A definite refusal by the broker RESOLVES as `{ status: 'rejected' }` with its code and reason.
 */
export type Side = 'BUY' | 'SELL';
export type ProductType = 'INTRADAY' | 'MARGIN' | 'CO' | 'BO';
export type OrderType = 'MARKET' | 'LIMIT';

export interface OrderRequest {
  /** Fyers ticker, e.g. NSE:NIFTY2672124400CE. */
  symbol: string;
  /** Units (lots × lot size), never lots. */
  qty: number;
  side: Side;
  orderType: OrderType;
  /** Required for LIMIT, a multiple of the tick size. */
  limitPrice?: number;
  productType: ProductType;
  /** Offsets in price points from the entry, already tick-rounded; Fyers takes offsets, not levels. */
  stopLoss?: number;
  takeProfit?: number;
  /** Alphanumeric ≤ 30; omitted for CO/BO, where Fyers forbids tags. */
  orderTag?: string;
}

export type PlaceOutcome =
  | { status: 'placed'; orderId: string; message?: string }
  | { status: 'rejected'; code: number | string; reason: string }
  | { status: 'unknown'; reason: string };

export interface PlaceOptions {
  /** Epoch ms after which the order must not leave (the claim's lease could lapse). */
  notAfter?: number;
  /**
   * Epoch ms by which a retry after a rate-limit refusal must leave, or the refusal stands. Absent: no
   * retry. The pacer owns this retry; callers never sleep or retry themselves.
   */
  retryUntil?: number;
  /**
   * Runs when the order is about to leave (after any wait in the pacer); throwing refuses the send.
   * It lets a kill switch set while the order queued still stop it.
   */
  beforeSend?: () => void | Promise<void>;
}

export interface Position {
  symbol: string;
  /** Signed: positive long, negative short. */
  netQty: number;
  productType: string;
  /** Average price of the open quantity, when the broker reports it. */
  avgPrice?: number;
  ltp?: number;
  /** The day's profit or loss on this contract (realised + unrealised), in rupees, when reported. */
  pnl?: number;
}

/**
 * Where an order stands at the broker, in the port's words. `working` = accepted, not yet filled
 * (in transit or pending); `partially_filled` = still working with part of it filled.
 */
export type OrderState = 'working' | 'filled' | 'partially_filled' | 'rejected' | 'cancelled' | 'expired';

export interface BrokerOrder {
  orderId: string;
  symbol: string;
  side: Side;
  qty: number;
  productType: string;
  state: OrderState;
  /** The tag as placed (without Fyers' `1:` prefix), if any. */
  orderTag?: string;
  /** Epoch ms when the broker recorded the order. */
  placedAt?: number;
  message?: string;
  /** Units filled so far and their average price, when the broker reports them. */
  filledQty?: number;
  avgFillPrice?: number;
}

export interface BrokerSession {
  valid: boolean;
  /** Epoch ms the session ends, when known. */
  expiresAt?: number;
  reason?: string;
}

export interface Broker {
  readonly name: 'fyers' | 'paper';
  /** Most tickers one getQuotes call may carry at the broker (Fyers: 50); absent means no limit. */
  readonly quoteBatchLimit?: number;
  /**
   * Throws, without any I/O, when every call would be refused right now (an open circuit breaker), so
   * the caller can refuse before claiming anything. Absent or silent: calls may go ahead.
   */
  assertAvailable?(): void;
  /** Last traded prices keyed by ticker; tickers the broker does not know are absent. */
  getQuotes(tickers: string[]): Promise<Map<string, number>>;
  getPositions(): Promise<Position[]>;
  /**
   * `notAfter` (epoch ms): the order must not leave after this instant — past it the caller's claim may
   * be taken over by another instance. An adapter that would have to wait (pacing) throws instead.
   */
  placeOrder(order: OrderRequest, opts?: PlaceOptions): Promise<PlaceOutcome>;
  /** Orderbook lookup; with `tag`, only orders carrying that tag. */
  findOrders(query: { tag?: string }): Promise<BrokerOrder[]>;
  /** Cheap liveness check of the session (Fyers: GET /profile). */
  checkSession(): Promise<BrokerSession>;
}
