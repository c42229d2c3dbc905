import type { OrderReport, TradeFill } from '../../broker/broker.port';
import type { LifecycleDeps } from './lifecycle.deps';
import { settleExits } from './managed-exits';
import { applyBrokerReport, flushOutbox } from './order-tracker';
import { trailStops } from './trailing-stop';
import { keptByTag, type OrderRecord } from './order-record';

export interface ReconcileReport {
  open: number;
  changed: number;
  missing: number;
  exitsSettled: number;
  /** Trailing stops raised, and the quote calls that cost (one at most). */
  trailsRaised: number;
  trailQuoteCalls: number;
  published: number;
  notified: number;
}

/** Limits parallel store work so a 200-order reconcile does not open 200 transactions at once. */
async function inBatches<T>(items: T[], size: number, work: (t: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

/** Fills the average price and exchange time from the tradebook when the orderbook row lacks them. */
function withTrades(report: OrderReport, fills: TradeFill[] | undefined): OrderReport {
  if (!fills || fills.length === 0) return report;
  const qty = fills.reduce((s, f) => s + f.qty, 0);
  const avg = Math.round((fills.reduce((s, f) => s + f.qty * f.price, 0) / qty) * 100) / 100;
  const last = Math.max(...fills.map((f) => f.at ?? 0));
  return { ...report, avgPrice: report.avgPrice ?? avg, placedAt: last > 0 ? last : report.placedAt };
}

/**
 * The backstop for lost postbacks: one orderbook and one tradebook read, then every open record is
 * moved to what the broker says. Each move goes through the same exactly-once transition as a
 * postback, so two reconciles (or a reconcile and a postback) at once change each record once.
 * Also: managed exits left half-done by a crash, outbox events never published, market orders
 * unfilled for too long, and (with `sessionEnding`) partial fills still open at the close.
 */
export async function reconcileOrders(deps: LifecycleDeps, opts: { sessionEnding?: boolean } = {}): Promise<ReconcileReport> {
  const report: ReconcileReport = { open: 0, changed: 0, missing: 0, exitsSettled: 0, trailsRaised: 0, trailQuoteCalls: 0, published: 0, notified: 0 };
  const broker = deps.broker;
  const [open, active] = await Promise.all([deps.records.listOpen(), deps.records.listExitsActive()]);
  report.open = open.length;
  if (broker && open.length > 0) {
    const [book, trades] = await Promise.all([broker.findOrders({}), broker.tradebook()]);
    const byId = new Map(book.map((o) => [o.orderId, o]));
    const byTag = new Map<string, OrderReport[]>();
    for (const o of book) if (o.orderTag) byTag.set(o.orderTag, [...(byTag.get(o.orderTag) ?? []), o]);
    const fillsOf = new Map<string, TradeFill[]>();
    for (const t of trades) fillsOf.set(t.orderId, [...(fillsOf.get(t.orderId) ?? []), t]);
    await inBatches(open, 25, async (rec) => {
      const tagged = rec.orderTag ? (byTag.get(rec.orderTag) ?? []) : [];
      const found = (rec.orderId ? byId.get(rec.orderId) : undefined) ?? (rec.orderId === undefined ? tagged.at(-1) : undefined);
      if (!found) {
        report.missing += 1;
        return;
      }
      try {
        if ((await applyBrokerReport(deps, withTrades(found, fillsOf.get(found.orderId)), rec.id, { seen: rec })) === 'changed') report.changed += 1;
        // A record kept by its tag (a lost answer) follows one order; a sliced order shows more under the
        // tag, and each of those gets (or moves) a record of its own, postbacks lost or not.
        if (keptByTag(rec)) {
          for (const other of tagged.filter((o) => o.orderId !== found.orderId)) {
            if ((await applyBrokerReport(deps, withTrades(other, fillsOf.get(other.orderId)))) === 'changed') report.changed += 1;
          }
        }
      } catch (e) {
        deps.logger.error('reconcile could not move a record', { recordId: rec.id, error: e });
      }
    });
  }
  await inBatches(active, 5, async (entry) => {
    try {
      if ((await settleExits(deps, entry.id)) === 'settled') report.exitsSettled += 1;
    } catch (e) {
      deps.logger.error('reconcile could not settle exits', { recordId: entry.id, error: e });
    }
  });
  // The minute's trail: one quote call for every trailed stop, after the settles above (fresh legs).
  const trail = await trailStops(deps).catch((e: unknown) => {
    deps.logger.error('reconcile could not trail stops', { error: e });
    return undefined;
  });
  report.trailsRaised = trail?.raised ?? 0;
  report.trailQuoteCalls = trail?.quoteCalls ?? 0;
  report.notified += await notifyStragglers(deps, opts.sessionEnding === true);
  report.published = await flushOutbox(deps);
  return report;
}

/** One notification per kind per run (grouped), each record counted once ever (a flag set in its transaction). */
async function notifyStragglers(deps: LifecycleDeps, sessionEnding: boolean): Promise<number> {
  const now = deps.clock();
  const open = await deps.records.listOpen();
  const unfilled: OrderRecord[] = [];
  const partial: OrderRecord[] = [];
  for (const rec of open) {
    if (rec.role === 'entry' && rec.orderType === 'MARKET' && rec.state === 'accepted' && now - rec.createdAt >= deps.settings.unfilledAlertMs && !rec.notified?.unfilled) {
      if (await flag(deps, rec.id, 'unfilled')) unfilled.push(rec);
    }
    if (sessionEnding && rec.state === 'partially_filled' && !rec.notified?.sessionEnd) {
      if (await flag(deps, rec.id, 'sessionEnd')) partial.push(rec);
    }
  }
  const list = (rs: OrderRecord[]) => rs.slice(0, 10).map((r) => `${r.side} ${r.filledQty}/${r.qty} ${r.symbol} (${r.orderId ?? r.id})`).join(', ') + (rs.length > 10 ? ` and ${rs.length - 10} more` : '');
  if (unfilled.length > 0) {
    await deps.notifier.notify({ kind: 'order.unfilled', severity: 'warning', summary: `${unfilled.length} market order(s) still unfilled after ${Math.round(deps.settings.unfilledAlertMs / 1000)} s: ${list(unfilled)}`, at: now, details: { orderIds: unfilled.map((r) => r.orderId) } });
  }
  if (partial.length > 0) {
    await deps.notifier.notify({ kind: 'order.partial_at_close', severity: 'warning', summary: `${partial.length} order(s) partly filled and still open at the close: ${list(partial)}`, at: now, details: { orderIds: partial.map((r) => r.orderId) } });
  }
  return (unfilled.length > 0 ? 1 : 0) + (partial.length > 0 ? 1 : 0);
}

async function flag(deps: LifecycleDeps, id: string, which: 'unfilled' | 'sessionEnd'): Promise<boolean> {
  return deps.records.mutate(id, (cur) => {
    if (!cur || cur.notified?.[which]) return { result: false };
    return { result: true, record: { ...cur, notified: { ...cur.notified, [which]: true } } };
  });
}
