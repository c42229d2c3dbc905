import { isOpenOrder, type OrderReport, type ProductType, type Side } from '../broker/broker.port';

/**
 * What became of one planned order. `open` and `close` legs come from the alert (or the job) that made
 * the plan; `exit` orders undo filled open legs when a structure could not be completed.
 */
export type LegStatus = 'filled' | 'working' | 'rejected' | 'unknown' | 'not-sent' | 'cancelled';

/** One slice of a leg above the freeze quantity, as the broker took it. */
export interface LegSlice {
  qty: number;
  orderId?: string;
  status: 'accepted' | 'rejected' | 'sent';
  reason?: string;
}

export interface LegResult {
  leg: number;
  role: 'open' | 'close' | 'exit';
  symbol: string;
  side: Side;
  productType: ProductType;
  qty: number;
  lots: number;
  orderTag?: string;
  orderId?: string;
  status: LegStatus;
  reason?: string;
  /** The broker's code for a refusal, when it gave one. */
  code?: number | string;
  /** Units filled and their average price, when the broker has said. */
  filledQty?: number;
  avgPrice?: number;
  /** Above the freeze quantity: every slice the broker answered for. */
  slices?: LegSlice[];
  /** The order records written for this leg (one per slice). */
  recordIds?: string[];
  /** For an open leg undone by the rollback: how. */
  rolledBack?: 'exited' | 'cancelled' | 'failed';
  /** For an exit order: the leg it undoes. */
  exits?: number;
}

/** The port's order states as leg states: anything accepted and not yet done is still working. */
export function legStatusOf(o: Pick<OrderReport, 'state'>): LegStatus {
  if (isOpenOrder(o)) return 'working';
  switch (o.state) {
    case 'filled': return 'filled';
    case 'cancelled': return 'cancelled';
    default: return 'rejected';
  }
}

/** A leg that is, or may soon be, a position. */
export const isLive = (l: LegResult) => l.status === 'filled' || l.status === 'working';
