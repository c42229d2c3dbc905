import type { Offset } from '../alert/offset';
import type { OrderType, ProductType, Side } from '../broker/broker.port';
import type { Instrument } from '../symbols/instrument';
import type { QtySpec } from '../risk/position-sizing';

/** An alert turned into a concrete contract and size, before any state is claimed. */
export interface PreparedOrder {
  instrument: Instrument;
  side: Side;
  productType: ProductType;
  orderType: OrderType;
  limitPrice?: number;
  lots: number;
  /** The units each slice carries (one entry when the order fits under the freeze quantity). */
  slices: number[];
  /** The freeze quantity applied, if any is known. */
  freezeQty?: number;
  /** Reduce-only (intent=close, COVER_ONLY_BUY for a BUY, or the reduce-only control). */
  reduceOnly: boolean;
  /** Stop, target and trail from the alert: points, or percent of the entry's fill price. */
  sl?: Offset;
  tp?: Offset;
  trail?: Offset;
  /** Said in the answer: the alert's CO/BO was carried as INTRADAY. */
  note?: string;
  spotLtp?: number;
  /** A size to compute once claimed (`lots` is 0 until then): from risk to the stop or a share of funds. */
  sizing?: { spec: Exclude<QtySpec, number>; maxLots: number; freezeQty?: number };
}
