import type { OrderReport, Side } from '../../broker/broker.port';
import type { ManagedExits, OrderRole } from '../lifecycle/order-record';
import type { Contract } from './order-plan';

/** What the lifecycle needs to know of an order the executor sent. */
export interface SentOrder {
  status: 'placed' | 'unknown';
  orderId?: string;
  orderTag?: string;
  requestId: string;
  role?: OrderRole;
  parentId?: string;
  strategy?: string;
  symbol: string;
  side: Side;
  qty: number;
  productType: string;
  orderType: string;
  intent?: 'open' | 'close';
  exits?: ManagedExits;
}

/**
 * The lifecycle as the executor sees it. Implemented in orders/lifecycle and handed in by the
 * composition root, so the executor (which exits also use) never imports the lifecycle that uses it.
 */
export interface OrderRecorder {
  /** Writes the order's record and first event; idempotent; never throws. Returns the record id. */
  record(o: SentOrder, opts?: { publishNow?: boolean }): Promise<string | undefined>;
  /** A state the broker reported (orderbook read, paper fill): moves the record. Never throws. */
  observe(report: OrderReport): Promise<void>;
}

/** The bridge's own protective exits, as a plan that closes a contract must first take them back. */
export interface ExitsControl {
  /** Cancels the managed exits on these contracts; returns the entries whose exits were withdrawn. */
  withdraw(contracts: Contract[], requestId: string): Promise<string[]>;
  /** Puts withdrawn exits back (the close they made way for was certainly never sent). */
  restore(entryIds: string[]): Promise<void>;
}
