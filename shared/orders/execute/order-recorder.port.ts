import type { OrderReport, Side } from '../../broker/broker.port';
import type { ManagedExits, OrderRole } from '../lifecycle/order-record';
import type { Contract } from './order-plan';
import type { RecordCreation } from '../../store/alert-commit.port';

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
  /**
   * Writes the order's record and first event; idempotent; never throws. Returns the record id.
   * `found`: an order an earlier attempt sent, found in the orderbook by its tag; the record that
   * attempt kept by the tag (its answer lost) takes it when it follows this order or none yet, so
   * one order never has two records (and two sets of exits).
   */
  record(o: SentOrder, opts?: { publishNow?: boolean; found?: boolean }): Promise<string | undefined>;
  /**
   * The same record, not written: for a caller that commits it together with its own writes (an
   * alert's outcome and audit). `after` runs the follow-up once the commit is made. Undefined (logged)
   * when the order cannot have a record, as `record` would answer.
   */
  prepare?(o: SentOrder): PreparedRecord | undefined;
  /**
   * A state the broker reported (orderbook read, paper fill): moves the record. `recordId` names the
   * record when the caller has just written it (no lookup needed). Never throws.
   */
  observe(report: OrderReport, recordId?: string): Promise<void>;
}

/** The bridge's own protective exits, as a plan that closes a contract must first take them back. */
export interface ExitsControl {
  /** Cancels the managed exits on these contracts; returns the entries whose exits were withdrawn. */
  withdraw(contracts: Contract[], requestId: string): Promise<string[]>;
  /** Puts withdrawn exits back (the close they made way for was certainly never sent). */
  restore(entryIds: string[]): Promise<void>;
}

/** An order's record ready to commit (see OrderRecorder.prepare). */
export interface PreparedRecord {
  id: string;
  creation: RecordCreation;
  /**
   * Given what the commit's `build` returned (undefined: the record existed). Never throws; waits only
   * for what the answer needs (a paper fill applied), never for exits or event publishing.
   */
  after(created: unknown): Promise<void>;
}
