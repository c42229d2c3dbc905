import type { OrderReport, OrderState, Side } from '../../broker/broker.port';
import { OPEN_RECORD_STATES } from '../../store/order-records.port';

/**
 * What the bridge knows about one order it placed, from acceptance to its end.
 * accepted → partially_filled → filled | rejected | cancelled | expired; `unknown` is an order whose
 * placement was never confirmed, which a later postback or reconcile resolves (and says so).
 */
export type OrderRecordState = 'accepted' | 'partially_filled' | 'filled' | 'rejected' | 'cancelled' | 'expired' | 'unknown';

export type OrderRole = 'entry' | 'stop' | 'target' | 'flatten';

export const OPEN_STATES: readonly OrderRecordState[] = OPEN_RECORD_STATES;
export const isOpenState = (s: OrderRecordState) => OPEN_STATES.includes(s);

/** One managed exit leg on an entry record. */
export interface ExitLeg {
  tag: string;
  orderId?: string;
  /** Quantity the leg was last placed or modified for. */
  qty: number;
  /** placed: the broker took it; unknown: sent, answer lost (found again by tag); gone: cancelled, rejected or filled. */
  status: 'placed' | 'unknown' | 'gone';
  filledQty?: number;
  /** A stop's trigger and limit as last placed or modified (a trailing stop only ever raises them). */
  trigger?: number;
  limit?: number;
}

/**
 * What an entry's managed exits are to hold, as the alert asked: offsets from the average fill price in
 * points or percent of it, and a trailing distance for the stop (it follows the best price, never back).
 */
export interface ExitSpec {
  slPoints?: number;
  tpPoints?: number;
  slPct?: number;
  tpPct?: number;
  trailPoints?: number;
  trailPct?: number;
  tickSize: number;
}

/** Managed exits (PROTECTION=managed) kept on the entry's record, so one transaction guards them. */
export interface ManagedExits extends ExitSpec {
  /** The best price the trail has seen (highest for a long entry, lowest for a short). */
  trailBest?: number;
  stop?: ExitLeg;
  target?: ExitLeg;
  /** Who is placing or changing the legs now; another process waits for the lease to lapse. */
  claim?: { owner: string; until: number };
  /** Set once the position is closed by one leg, or by an intent:close alert. */
  done?: 'stop_filled' | 'target_filled' | 'closed';
  /** Quantity already flattened after both legs filled in a race. */
  flattenedQty?: number;
  /** Flatten orders placed, for their tags. */
  flattens?: number;
}

export interface OrderRecord {
  /** The broker order id, or `tag-<orderTag>` while the order is unknown. */
  id: string;
  orderId?: string;
  orderTag?: string;
  /** The alert's requestId: the audit entry of the alert that caused this order. */
  requestId: string;
  role: OrderRole;
  /** Exit legs: the entry record they protect. */
  parentId?: string;
  symbol: string;
  side: Side;
  qty: number;
  productType: string;
  /** MARKET or LIMIT for entries; the exit kind for legs. */
  orderType: string;
  state: OrderRecordState;
  filledQty: number;
  avgPrice?: number;
  exchangeTime?: number;
  message?: string;
  /** The record was `unknown` once and a broker report resolved it. */
  resolvedFromUnknown?: boolean;
  /** Bumped by every state change; events are numbered by it. */
  version: number;
  createdAt: number;
  updatedAt: number;
  exits?: ManagedExits;
  /** True while managed exits may still need work (placing, following fills, cancelling); the reconcile visits these. */
  exitsActive?: boolean;
  /** The strategy whose alert caused this order, for the console's per-strategy view. */
  strategy?: string;
  /** `close` for a reduce-only alert: its fill ends the managed exits of the contract. */
  intent?: 'open' | 'close';
  /** One-shot notifications already sent for this record. */
  notified?: { unfilled?: boolean; sessionEnd?: boolean };
}

export const recordIdFor = (orderId: string | undefined, orderTag: string | undefined): string => {
  if (orderId) return orderId;
  if (orderTag) return `tag-${orderTag}`;
  throw new Error('an order record needs an order id or a tag');
};

/** A record kept by its tag (the order's answer was lost): it follows whichever order it took under that tag. */
export const keptByTag = (r: Pick<OrderRecord, 'id' | 'orderTag'>): boolean => r.orderTag !== undefined && r.id === recordIdFor(undefined, r.orderTag);

/** The offsets of managed exits, without the state of any legs placed for them. */
export function exitSpecOf(x: ManagedExits): ExitSpec {
  const { trailBest: _best, stop: _stop, target: _target, claim: _claim, done: _done, flattenedQty: _flat, flattens: _flattens, ...spec } = x;
  return spec;
}

const FROM_BROKER: Record<OrderState, OrderRecordState> = {
  working: 'accepted',
  partially_filled: 'partially_filled',
  filled: 'filled',
  rejected: 'rejected',
  cancelled: 'cancelled',
  expired: 'expired',
};

const rank = (s: OrderRecordState) => (s === 'accepted' || s === 'unknown' ? 0 : s === 'partially_filled' ? 1 : 2);

export interface StateChange {
  from: OrderRecordState;
  to: OrderRecordState;
  record: OrderRecord;
}

/**
 * The one rule for moving a record by a broker report. Reports arrive late, twice and out of order
 * (postbacks and reconciles race), so a report only moves a record forward: ends are final, filled
 * quantity never shrinks, and a report that changes nothing is no change (hence no event).
 */
export function applyReport(rec: OrderRecord, report: OrderReport, nowMs: number): StateChange | undefined {
  if (!isOpenState(rec.state)) return undefined;
  // Another contract's or direction's report never moves this record, and no report fills more than
  // the record ordered: exits are sized from filledQty.
  if (report.symbol !== rec.symbol || report.side !== rec.side) return undefined;
  // Another order's report never moves this record, though it shares the tag (a slice of the same order).
  if (rec.orderId !== undefined && rec.orderId !== report.orderId) return undefined;
  // A record kept by its tag (the answer was lost) takes the order the broker shows under that tag,
  // with its size: a sliced order shows one row per slice, and each slice has a record of its own.
  const qty = rec.orderId === undefined && report.qty > 0 ? Math.min(report.qty, rec.qty) : rec.qty;
  const filledQty = Math.min(report.filledQty, qty);
  if (filledQty < rec.filledQty) return undefined;
  const to = FROM_BROKER[report.state];
  if (rank(to) < rank(rec.state)) return undefined;
  if (to === rec.state && filledQty === rec.filledQty && qty === rec.qty) return undefined;
  const record: OrderRecord = {
    ...rec,
    orderId: rec.orderId ?? report.orderId,
    qty,
    state: to,
    filledQty,
    avgPrice: report.avgPrice ?? rec.avgPrice,
    exchangeTime: report.placedAt ?? rec.exchangeTime,
    message: report.message ?? rec.message,
    resolvedFromUnknown: rec.resolvedFromUnknown || rec.state === 'unknown' || undefined,
    version: rec.version + 1,
    updatedAt: nowMs,
  };
  if (record.resolvedFromUnknown === undefined) delete record.resolvedFromUnknown;
  return { from: rec.state, to, record };
}
