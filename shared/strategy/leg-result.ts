import type { BrokerOrder, ProductType, Side } from '../broker/broker.port';

/**
 * What became of one order of a strategy alert. `open` and `close` legs come from the alert; `exit`
 * orders undo filled open legs when a structure could not be completed.
 */
export type LegStatus = 'filled' | 'working' | 'rejected' | 'unknown' | 'not-sent' | 'cancelled';

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
  /** For an open leg undone by the rollback: how. */
  rolledBack?: 'exited' | 'cancelled' | 'failed';
  /** For an exit order: the leg it undoes. */
  exits?: number;
}

/** The port's order states as leg states: anything accepted and not yet done is still working. */
export function legStatusOf(o: BrokerOrder): LegStatus {
  switch (o.state) {
    case 'filled': return 'filled';
    case 'working':
    case 'partially_filled': return 'working';
    case 'cancelled': return 'cancelled';
    default: return 'rejected';
  }
}

/** A leg that is, or may soon be, a position. */
export const isLive = (l: LegResult) => l.status === 'filled' || l.status === 'working';
