/**
 * The one broker port. Fyers and paper implement it; everything above sees nothing else, and the
 * order executor (shared/orders/execute/) is its only caller of place, modify and cancel.
 *
 * Contract on certainty, which the whole exactly-once design rests on:
 * - A write (`placeOrder`, `placeBasket`, `modifyOrder`, `cancelOrder`) THROWS only when it is certain
 *   nothing reached the broker (connection refused before send, 429, dead session, open breaker, a
 *   request refused before send, no pacing slot in time). The caller may then release its claim.
 * - Anything after the request may have left the process (timeout, reset, 5xx, Fyers code 201)
 *   RESOLVES as `unknown`; the caller must look the order up, never blindly re-send.
 * - A definite refusal by the broker RESOLVES as `rejected` (place), `refused` (modify) or `not-open` (cancel).
 * Reads throw when they get no usable answer.
 */
export type Side = 'BUY' | 'SELL';
/** Fyers retired CO and BO (code -1800); an alert saying CO/BO is carried as INTRADAY with legs above the port. */
export type ProductType = 'INTRADAY' | 'MARGIN';
/** STOP_LIMIT is Fyers' SL-L: it triggers at `stopPrice` and then rests at `limitPrice`. */
export type OrderType = 'MARKET' | 'LIMIT' | 'STOP_LIMIT';

export interface OrderRequest {
  /** Fyers ticker, e.g. NSE:NIFTY2672124400CE. */
  symbol: string;
  /** Units (lots × lot size), never lots. */
  qty: number;
  side: Side;
  orderType: OrderType;
  /** Required for LIMIT and STOP_LIMIT, a multiple of the tick size. */
  limitPrice?: number;
  /** The trigger of a STOP_LIMIT. */
  stopPrice?: number;
  productType: ProductType;
  /**
   * TP/SL legs as offsets from the entry: price points (already tick-rounded) or percent of the entry's
   * fill price, as `legs` says; Fyers takes offsets, not levels.
   */
  stopLoss?: number;
  takeProfit?: number;
  /** Alphanumeric ≤ 30. Every order the bridge sends carries one, so every order can be found again. */
  orderTag?: string;
  /** How stopLoss/takeProfit are meant: points or percent from the entry. Absent when no leg is sent. */
  legs?: 'points' | 'percent';
  /**
   * Above the exchange freeze quantity: the broker splits the order into slices of at most that size
   * (Fyers `isSliceOrder`, at most 10 slices), all under the one tag, and answers for each slice.
   */
  slice?: boolean;
}

/** One slice of a sliced order, as the broker answered for it. */
export type SliceOutcome = { orderId: string; status: 'accepted' } | { status: 'rejected'; code?: number | string; reason: string };

export type PlaceOutcome =
  | {
      status: 'placed';
      orderId: string;
      message?: string;
      slices?: SliceOutcome[];
      /** Only when the broker says so at once (paper fills at once), with the price it filled at. */
      filled?: boolean;
      avgPrice?: number;
    }
  | {
      status: 'rejected';
      code: number | string;
      reason: string;
      /** The broker refused the order for its TP/SL legs (not for the order itself): it may go without them. */
      legsRefused?: boolean;
    }
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
  /** Today's booked profit (negative = loss) in rupees, when the broker reports it. */
  realized?: number;
  /** Mark-to-market of what is still open, in rupees, when the broker reports it. */
  unrealized?: number;
}

/** Money the account can still put to work, in rupees. */
export interface Funds {
  available: number;
}

/**
 * Where an order stands at the broker, in the port's words. `working` = accepted, not yet filled
 * (in transit or pending); `partially_filled` = still working with part of it filled.
 */
export type OrderState = 'working' | 'filled' | 'partially_filled' | 'rejected' | 'cancelled' | 'expired';

/** An order the broker may still fill (and so one a cancel can still stop). */
export const isOpenOrder = (o: Pick<OrderReport, 'state'>): boolean => o.state === 'working' || o.state === 'partially_filled';

/** One order as the broker reports it: an orderbook row, or what a postback claims. */
export interface OrderReport {
  orderId: string;
  symbol: string;
  side: Side;
  qty: number;
  productType: string;
  state: OrderState;
  /** Units filled so far (0 when nothing has). */
  filledQty: number;
  /** Average fill price, when anything filled. */
  avgPrice?: number;
  /** The tag as placed (without Fyers' `1:` prefix), if any. */
  orderTag?: string;
  /** Epoch ms of the broker's timestamp for the order. */
  placedAt?: number;
  /** The broker's text: the RMS reason on a rejection, for instance. */
  message?: string;
}

export interface TradeFill {
  orderId: string;
  tradeId: string;
  qty: number;
  price: number;
  at?: number;
}

export type CancelOutcome = { status: 'cancelled' } | { status: 'not-open'; reason: string } | { status: 'unknown'; reason: string };
export type ModifyOutcome = { status: 'modified' } | { status: 'refused'; reason: string } | { status: 'unknown'; reason: string };

export interface OrderChange {
  qty?: number;
  limitPrice?: number;
  stopPrice?: number;
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
  /**
   * Starts, without waiting and without calling the broker, the reads the next call needs and may not
   * hold yet (Fyers: the session's access token, cached only for seconds), so an alert's claim round
   * trip and that read run side by side instead of one after the other. Absent: nothing to get ready.
   */
  prepare?(): void;

  /** Last traded prices keyed by ticker; tickers the broker does not know are absent. */
  getQuotes(tickers: string[]): Promise<Map<string, number>>;
  getPositions(): Promise<Position[]>;
  getFunds(): Promise<Funds>;
  /** Cheap liveness check of the session (Fyers: GET /profile). */
  checkSession(): Promise<BrokerSession>;
  /** The day's orders; with `tag`, only those carrying it; with `id`, that order (and its slices) only. */
  findOrders(query: { tag?: string; id?: string }): Promise<OrderReport[]>;
  /** The day's fills. */
  tradebook(): Promise<TradeFill[]>;

  placeOrder(order: OrderRequest, opts?: PlaceOptions): Promise<PlaceOutcome>;
  /**
   * Up to 10 orders in one request (Fyers' basket). One outcome per order, in order, with the same
   * certainty contract as placeOrder: it throws only when none of them can have reached the broker.
   */
  placeBasket(orders: OrderRequest[], opts?: PlaceOptions): Promise<PlaceOutcome[]>;
  modifyOrder(orderId: string, change: OrderChange): Promise<ModifyOutcome>;
  cancelOrder(orderId: string): Promise<CancelOutcome>;
}
