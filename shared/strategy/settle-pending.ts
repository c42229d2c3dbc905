import { isOpenOrder, type Broker, type CancelOutcome } from '../broker/broker.port';
import type { OrderExecutor } from '../orders/execute/execute-plan';
import { istInstant, istParts } from '../platform/ist';
import type { Logger } from '../platform/logger';
import type { Holding, HoldingsStore, PendingFill, PendingOrder } from '../store/holdings.port';

export interface SettleDeps {
  /** Reads the orderbook; cancels go through the executor. */
  broker: Broker;
  executor: Pick<OrderExecutor, 'cancel'>;
  holdings: HoldingsStore;
  logger: Logger;
  /** The venue's order records: what a pending order filled once the orderbook (a day book) lists it no more. */
  orderRecords?: { listCreatedBetween(fromMs: number, toMs: number): Promise<Array<{ orderTag?: string; filledQty: number }>> };
}

export interface Settled {
  /** The books with every pending order's fills in them. */
  books: Holding[];
  /** Order ids of resting orders cancelled. */
  cancelled: string[];
  /** Resting orders a cancel did not stop (still open after it): they stay pending and may still fill. */
  stuck: string[];
  /**
   * Something was pending: positions read before the settle may predate the fills it booked (or that
   * landed before its cancels), and must be read again before they trim the book.
   */
  stale: boolean;
}

export interface SettleOptions {
  /** Only these pending orders (a flatten of chosen legs); default all. */
  which?: (p: PendingOrder, h: Holding) => boolean;
  /** Book fills only, cancel nothing (a risk run watching the book, not acting on a signal). */
  keepResting?: boolean;
}

/**
 * Before a strategy acts on its book (an alert, a flatten, a square-off), the orders its earlier alerts
 * left pending are settled against the orderbook. One still resting is cancelled: the new signal
 * supersedes it (an entry that never filled must not fill after a flat; a close that rests is sent
 * again if the plan still needs it). Then what each one filled is booked, in one atomic change per
 * holding, and the plan is made from that. Reads the orderbook only when something is pending.
 */
export async function settlePending(deps: SettleDeps, books: Holding[], nowMs: number, opts: SettleOptions = {}): Promise<Settled> {
  const which = opts.which ?? (() => true);
  const due = books.map((h) => (h.pending ?? []).filter((p) => which(p, h)));
  if (due.every((d) => d.length === 0)) return { books, cancelled: [], stuck: [], stale: false };
  let book = await deps.broker.findOrders({});
  const tags = new Set(due.flat().map((p) => p.orderTag));
  const resting = opts.keepResting ? [] : book.filter((o) => tags.has(o.orderTag ?? '') && isOpenOrder(o));
  const cancelled: string[] = [];
  for (const o of resting) {
    const c = await deps.executor.cancel(o.orderId).catch((e: unknown): CancelOutcome => ({ status: 'unknown', reason: String(e) }));
    if (c.status === 'cancelled') cancelled.push(o.orderId);
    else deps.logger.warn('could not cancel a strategy order still resting from an earlier alert', { orderId: o.orderId, status: c.status, reason: 'reason' in c ? c.reason : undefined });
  }
  // A cancel races the exchange: whatever filled before it took effect is read afresh.
  if (resting.length) book = await deps.broker.findOrders({});
  const out: Holding[] = [];
  for (const [i, h] of books.entries()) {
    const mine = due[i]!;
    if (mine.length === 0) {
      out.push(h);
      continue;
    }
    const settle: PendingFill[] = await Promise.all(mine.map(async (p) => {
      const rows = book.filter((o) => o.orderTag === p.orderTag);
      if (rows.length) return { orderTag: p.orderTag, filled: rows.reduce((s, o) => s + o.filledQty, 0), done: !rows.some(isOpenOrder) };
      // Gone from the orderbook (a day later): its records, which its postbacks moved, say what it filled.
      return { orderTag: p.orderTag, filled: await filledByRecords(deps, p), done: true };
    }));
    out.push(await deps.holdings.apply(h.strategy, h.underlying, { nowMs, add: [], remove: [], settle }));
  }
  const stuck = opts.keepResting ? [] : book.filter((o) => tags.has(o.orderTag ?? '') && isOpenOrder(o)).map((o) => `${o.side} ${o.qty - o.filledQty} ${o.symbol} (${o.orderId})`);
  return { books: out, cancelled, stuck, stale: true };
}

/**
 * What a pending order filled by the bridge's own records of it: every record of its booking day under
 * its tag (the tagged record of a lost answer, each slice's, one a takeover wrote), which postbacks and
 * the reconcile kept moving. 0 (logged) when there are none to read.
 */
async function filledByRecords(deps: SettleDeps, p: PendingOrder): Promise<number> {
  if (!deps.orderRecords || p.bookedAt === undefined) {
    deps.logger.warn('a pending strategy order is no longer in the orderbook and has no record to read; its later fills are not booked', { orderTag: p.orderTag });
    return 0;
  }
  const day = istInstant(istParts(p.bookedAt).date);
  const records = await deps.orderRecords.listCreatedBetween(day, day + DAY_MS);
  return records.filter((r) => r.orderTag === p.orderTag).reduce((s, r) => s + r.filledQty, 0);
}

const DAY_MS = 86_400_000;
