import type { OrderRequest, PlaceOutcome } from '../broker/broker.port';
import type { Instrument } from '../symbols/instrument';

/** What the pipeline learned on the way, filled in as it goes and written to the audit trail at the end. */
export interface AlertTrace {
  /** The request carried the webhook secret: only then is it an alert (audited) rather than noise (counted). */
  authenticated?: boolean;
  alert?: Record<string, unknown>;
  idempotencyKey?: string;
  instrument?: Instrument;
  ltp?: number;
  stopLossPrice?: number;
  takeProfitPrice?: number;
  brokerRequest?: OrderRequest | { orders: OrderRequest[] };
  brokerResponse?: PlaceOutcome | { recovered: unknown } | { legs: unknown[] };
  /** The order lifecycle's record of the order (its id), linked from the audit entry. */
  orderRecordId?: string;
}
