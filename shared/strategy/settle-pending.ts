import type { Broker, CancelOutcome, OrderReport } from '../broker/broker.port';
import type { OrderExecutor } from '../orders/execute/execute-plan';
import type { Logger } from '../platform/logger';
import type { Holding, HoldingsStore, PendingFill, PendingOrder } from '../store/holdings.port';

export interface SettleDeps {
  /** Reads the orderbook; cancels go through the executor. */
  broker: Broker;
  executor: Pick<OrderExecutor, 'cancel'>;
  holdings: HoldingsStore;
  logger: Logger;
}

export interface Settled {
  /** The books with every pending order's fills in them. */
  books: Holding[];
  /** Order ids of resting orders cancelled. */
  cancelled: string[];
  /** A cancel was sent: fills may have landed meanwhile, so positions read before it are stale. */
  raced: boolean;
}

export interface SettleOptions {
  /** Only these pending orders (a flatten of chosen legs); default all. */
  which?: (p: PendingOrder, h: Holding) => boolean;
  /** Book fills only, cancel nothing (a risk run watching the book, not acting on a signal). */
  keepResting?: boolean;
}

const open = (o: OrderReport) => o.state === 'working' || o.state === 'partially_filled';

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
  if (due.every((d) => d.length === 0)) return { books, cancelled: [], raced: false };
  let book = await deps.broker.findOrders({});
  const tags = new Set(due.flat().map((p) => p.orderTag));
  const resting = opts.keepResting ? [] : book.filter((o) => tags.has(o.orderTag ?? '') && open(o));
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
    const settle: PendingFill[] = mine.map((p) => {
      const rows = book.filter((o) => o.orderTag === p.orderTag);
      // Gone from the orderbook (a day later) is done too: the broker's positions then trim the book.
      if (rows.length === 0) deps.logger.warn('a pending strategy order is no longer in the orderbook; its later fills are not booked', { orderTag: p.orderTag });
      return { orderTag: p.orderTag, filled: rows.reduce((s, o) => s + o.filledQty, 0), done: !rows.some(open) };
    });
    out.push(await deps.holdings.apply(h.strategy, h.underlying, { nowMs, add: [], remove: [], settle }));
  }
  return { books: out, cancelled, raced: resting.length > 0 };
}
