import type { Notifier } from '../../shared/notify/notifier.port';
import { istParts } from '../../shared/platform/ist';
import { flattenHoldings, type FlattenDeps } from '../../shared/strategy/flatten-holdings';
import { holdsAnything } from '../../shared/store/holdings.port';
import type { HttpReply } from '../http-response';

export interface SquareOffDeps extends FlattenDeps {
  notifier: Notifier;
  /** Minutes after IST midnight: the global square-off time and per-strategy overrides. */
  atMin: number;
  byStrategy: Record<string, number>;
  /** The forward test's book and order path: paper strategies are squared off there at the same times. */
  forwardTest?: FlattenDeps;
}

const hhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

interface BookRun {
  due: number;
  ok: boolean;
  body: Record<string, unknown>;
}

/**
 * Cloud Scheduler calls this every few minutes in the last hour of the session. Each run flattens the
 * INTRADAY legs of every strategy whose square-off time has come (before the broker's own auto
 * square-off and its charges) and cancels the bridge's working INTRADAY orders. A run with nothing due
 * does nothing; a repeated run closes only what is still open at the broker. Paper strategies are
 * squared off on their own book the same way, as a live run of them would be; a failure there is told
 * but does not fail the run (a retry is for real positions).
 */
export async function handleSquareOff(deps: SquareOffDeps): Promise<HttpReply> {
  const ist = istParts(deps.clock());
  const live = await squareOffBook(deps, deps, '');
  const paper = deps.forwardTest ? await squareOffBook(deps, deps.forwardTest, 'Paper ') : undefined;
  const liveBody = live.due === 0 ? { status: 'idle', at: ist.date, minutes: hhmm(ist.minutes), due: 0 } : live.body;
  return { status: live.ok ? 200 : 500, body: { ...liveBody, ...(paper?.due ? { paper: paper.body } : {}) } };
}

async function squareOffBook(deps: SquareOffDeps, book: FlattenDeps, label: string): Promise<BookRun> {
  const ist = istParts(deps.clock());
  const all = await book.holdings.list({});
  const due = all
    .filter((h) => ist.minutes >= (deps.byStrategy[h.strategy] ?? deps.atMin))
    .map((h) => ({ ...h, legs: h.legs.filter((l) => l.productType === 'INTRADAY'), pending: h.pending?.filter((p) => p.leg.productType === 'INTRADAY') }))
    .filter(holdsAnything);
  if (due.length === 0) return { due: 0, ok: true, body: {} };

  const report = await flattenHoldings(book, due, `${label ? 'paper-' : ''}square-off:${ist.date}:${ist.minutes}`, { cancelProduct: 'INTRADAY', cancelTagged: true });
  const ok = report.execution.status === 'placed' && report.busy.length === 0 && report.unsettled.length === 0;
  await deps.notifier.notify({
    kind: 'strategy.squared_off',
    severity: ok ? 'info' : label ? 'warning' : 'critical',
    summary: `${label}Square-off ${hhmm(ist.minutes)} IST: ${due.map((h) => `${h.strategy}/${h.underlying}`).join(', ')}: ${report.execution.status}, ${report.execution.legs.length} orders, ${report.cancelled.length} cancelled${report.resting.length ? `; resting unfilled, left working: ${report.resting.join(', ')}` : ''}${report.busy.length ? `; busy, retried next run: ${report.busy.join(', ')}` : ''}${report.unsettled.length ? `; orders still pending from earlier alerts could not be read (orderbook unavailable), so only filled legs were closed: ${report.unsettled.join(', ')}` : ''}${ok || label ? '' : '. Check the positions at Fyers.'}`,
    at: deps.clock(),
    details: { legs: report.execution.legs, cancelled: report.cancelled, busy: report.busy, resting: report.resting, unsettled: report.unsettled, ...(label ? { venue: 'paper' } : {}) },
  });
  return {
    due: due.length,
    ok,
    body: { status: report.execution.status, due: due.length, legs: report.execution.legs, cancelled: report.cancelled, busy: report.busy, resting: report.resting, ...(report.unsettled.length ? { unsettled: report.unsettled } : {}) },
  };
}
