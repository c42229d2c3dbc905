import type { Fault, FaultRule, RouteName } from './fake-fyers.faults';

/** What the fake needs to know about a contract to validate orders like Fyers does. */
export interface FakeInstrument {
  ticker: string;
  lotSize: number;
  tickSize: number;
  /** Exchange freeze quantity in units: a larger order is refused unless sent with isSliceOrder. */
  freezeQty?: number;
}

/** An order as the fake recorded it (fields named as in Fyers' orderbook). */
export interface FakeOrder {
  id: string;
  symbol: string;
  qty: number;
  filledQty: number;
  type: number;
  side: 1 | -1;
  productType: string;
  limitPrice: number;
  stopPrice: number;
  stopLoss: number;
  takeProfit: number;
  /** TP/SL legs on INTRADAY/MARGIN: 1 points, 2 percent; absent when none. */
  legType?: number;
  validity: string;
  /** As Fyers returns it: `1:<tag>` (or the bare tag when the fake runs with `tagPrefix: false`), else `2:Untagged`. */
  orderTag: string;
  /** 1 cancelled, 2 filled, 4 transit, 5 rejected, 6 pending, 7 expired. */
  status: number;
  /** Average price of the fills so far (Fyers' `tradedPrice`). */
  tradedPrice: number;
  placedAtMs: number;
  /** Fyers' reason on a rejection (RMS) or cancellation. */
  message?: string;
  /** Market orders: the MPP limit Fyers converts them to; they rest when the price is past it. */
  protectionPrice?: number;
  /** Whether an SL-L order's trigger has been hit. */
  triggered?: boolean;
  /** The request body exactly as received, for assertions. */
  body: Record<string, unknown>;
}

export interface FakePosition {
  symbol: string;
  productType: string;
  netQty: number;
  buyQty: number;
  sellQty: number;
  buyVal: number;
  sellVal: number;
  /** Legs attached with PATCH /positions. */
  legs?: { takeProfit: number; stopLoss: number; legType: number; qty: number };
}

/** How the fake answers a dead token; the HTTP status that accompanies it is not documented, hence configurable. */
export interface TokenDeath {
  /** Absent: what the live API sends for a bad token (-16 on /api/v3, -15 on /data). */
  code?: -8 | -15 | -16 | -17;
  httpStatus: 200 | 401;
}

export interface FakeState {
  readonly appId: string;
  readonly appSecret: string;
  readonly redirectUri: string;
  pin: string;
  instruments: Map<string, FakeInstrument>;
  /** LTP by ticker; quotes for tickers absent here and from `instruments` come back as invalid symbols. */
  ltp: Map<string, number>;
  /** Keyed `<symbol>-<productType>`, Fyers' position id. */
  positions: Map<string, FakePosition>;
  orders: FakeOrder[];
  /** Fyers' MPP since April 2026: a MARKET order becomes a protected limit and may rest unfilled when the price gaps. */
  marketOrdersRest: boolean;
  /** Access tokens currently accepted. */
  accessTokens: Set<string>;
  refreshTokens: Set<string>;
  /** Auth codes issued and not yet exchanged. */
  authCodes: Set<string>;
  /** When set, every authenticated call fails as with a dead token, whatever token it carries. */
  tokenDeath?: TokenDeath;
  faults: FaultRule[];
  /**
   * Every request the fake received, in order (method, path with query, route), when it arrived by the
   * fake's clock, and the HTTP status it was answered with (absent while pending or when the connection was dropped).
   */
  requests: Array<{ method: string; url: string; route?: RouteName; headers: Record<string, string | string[] | undefined>; at: number; status?: number }>;
  orderSeq: number;
  /** Available balance GET /funds reports (fund id 10). */
  funds: number;
  /** Orders for these tickers are refused by "RMS" with the given message (code -99), as a margin shortfall would be. */
  rejectSymbols: Map<string, string>;
  /** Orders carrying TP/SL legs (legType) for these tickers are refused with the given message (code -50). */
  refuseLegsSymbols: Map<string, string>;
  /** Market orders for these tickers rest at the exchange (status 6) instead of filling, so they can be cancelled. */
  restSymbols: Set<string>;
  /** Every fill, in Fyers' tradebook shape (see fake-fyers.lifecycle). */
  trades: FakeTrade[];
  tradeSeq: number;
}

export interface FakeTrade {
  tradeNumber: string;
  orderId: string;
  symbol: string;
  side: 1 | -1;
  productType: string;
  type: number;
  qty: number;
  price: number;
  atMs: number;
  orderTag: string;
}

export function createState(init: {
  appId: string; appSecret: string; redirectUri: string; pin: string; instruments: FakeInstrument[]; ltp: Record<string, number>;
}): FakeState {
  return {
    appId: init.appId,
    appSecret: init.appSecret,
    redirectUri: init.redirectUri,
    pin: init.pin,
    marketOrdersRest: false,
    instruments: new Map(init.instruments.map((i) => [i.ticker, { ticker: i.ticker, lotSize: i.lotSize, tickSize: i.tickSize, ...(i.freezeQty ? { freezeQty: i.freezeQty } : {}) }])),
    ltp: new Map(Object.entries(init.ltp)),
    positions: new Map(),
    orders: [],
    accessTokens: new Set(),
    refreshTokens: new Set(),
    authCodes: new Set(),
    faults: [],
    requests: [],
    orderSeq: 0,
    funds: 500_000,
    rejectSymbols: new Map(),
    refuseLegsSymbols: new Map(),
    restSymbols: new Set(),
    trades: [],
    tradeSeq: 0,
  };
}

export type { Fault };
