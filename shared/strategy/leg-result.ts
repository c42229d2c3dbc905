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

/** Broker order states as leg states (Fyers codes: 1 cancelled, 2 filled, 4 transit, 5 rejected, 6 pending, 7 expired). */
export function legStatusOf(o: BrokerOrder): LegStatus {
  switch (o.status) {
    case 2: return 'filled';
    case 4:
    case 6: return 'working';
    case 1: return 'cancelled';
    default: return 'rejected';
  }
}

/** A leg that is, or may soon be, a position. */
export const isLive = (l: LegResult) => l.status === 'filled' || l.status === 'working';
