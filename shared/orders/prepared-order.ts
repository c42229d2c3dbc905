import type { OrderType, ProductType, Side } from '../broker/broker.port';
import type { Instrument } from '../symbols/instrument';

/** An alert turned into a concrete contract and size, before any state is claimed. */
export interface PreparedOrder {
  instrument: Instrument;
  side: Side;
  productType: ProductType;
  orderType: OrderType;
  limitPrice?: number;
  lots: number;
  /** Reduce-only (intent=close, COVER_ONLY_BUY for a BUY, or the reduce-only control). */
  reduceOnly: boolean;
  sl?: number;
  tp?: number;
  spotLtp?: number;
}
