import type { ProductType, Side } from '../broker/broker.port';
import type { LegResult } from './leg-result';

/** What an alert became. Stored with the idempotency record and replayed verbatim to duplicates. */
export interface OrderResult {
  status: 'placed' | 'rejected' | 'unknown';
  requestId: string;
  orderId?: string;
  symbol: string;
  side: Side;
  productType: ProductType;
  lots: number;
  qty: number;
  ltp?: number;
  stopLossPrice?: number;
  takeProfitPrice?: number;
  orderTag?: string;
  /** Broker's reason for a rejection, or why the outcome is unknown. */
  reason?: string;
  brokerCode?: number | string;
  /** How the outcome was established when it was not a direct answer (e.g. 'orderbook-tag', 'orderbook-match'). */
  recoveredBy?: string;
  /** Strategy alerts: the strategy id, the position asked for, and every order the alert led to. */
  strategy?: string;
  position?: string;
  legs?: LegResult[];
  /**
   * True only when the broker said the order is filled. Accepted is not filled: Fyers turns MARKET orders
   * into price-protected limits (MPP) that can rest unfilled.
   */
  filled?: boolean;
  /** Above the freeze quantity: every slice, with its order id and verdict (or only its size when unknown). */
  slices?: OrderSlice[];
  /**
   * Plain sentences on how the alert was carried out where it differs from what it said: a CO/BO carried
   * as INTRADAY with legs, an order sent without legs Fyers refused (under managed exits instead).
   */
  notes?: string[];
  /** PROTECTION=managed: the offsets the bridge's own exit management is to hold (nothing was sent as legs). */
  managedProtection?: { stopLossOffset?: number; takeProfitOffset?: number };
  /** `paper`: a forward-test strategy's alert, filled on the paper book at live prices; nothing reached the broker. */
  venue?: 'paper';
}

export interface OrderSlice {
  qty: number;
  orderId?: string;
  status: 'accepted' | 'rejected' | 'sent';
  reason?: string;
}
