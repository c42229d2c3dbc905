import type { Notifier } from '../../shared/notify/notifier.port';
import { istParts } from '../../shared/platform/ist';
import { flattenHoldings, type FlattenDeps } from '../../shared/strategy/flatten-holdings';
import type { HttpReply } from '../http-response';

export interface SquareOffDeps extends FlattenDeps {
  notifier: Notifier;
  /** Minutes after IST midnight: the global square-off time and per-strategy overrides. */
  atMin: number;
  byStrategy: Record<string, number>;
}

const hhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

/**
 * Cloud Scheduler calls this every few minutes in the last hour of the session. Each run flattens the
 * INTRADAY legs of every strategy whose square-off time has come (before the broker's own auto
 * square-off and its charges) and cancels the bridge's working INTRADAY orders. A run with nothing due
 * does nothing; a repeated run closes only what is still open at the broker.
 */
export async function handleSquareOff(deps: SquareOffDeps): Promise<HttpReply> {
  const now = deps.clock();
  const ist = istParts(now);
  const all = await deps.holdings.list({});
  const due = all
    .filter((h) => ist.minutes >= (deps.byStrategy[h.strategy] ?? deps.atMin))
    .map((h) => ({ ...h, legs: h.legs.filter((l) => l.productType === 'INTRADAY') }))
    .filter((h) => h.legs.length > 0);
  if (due.length === 0) return { status: 200, body: { status: 'idle', at: ist.date, minutes: hhmm(ist.minutes), due: 0 } };

  const report = await flattenHoldings(deps, due, `square-off:${ist.date}:${ist.minutes}`, { cancelProduct: 'INTRADAY', cancelTagged: true });
  const ok = report.execution.status === 'placed' && report.busy.length === 0;
  await deps.notifier.notify({
    kind: 'strategy.squared_off',
    severity: ok ? 'info' : 'critical',
    summary: `Square-off ${hhmm(ist.minutes)} IST: ${due.map((h) => `${h.strategy}/${h.underlying}`).join(', ')}: ${report.execution.status}, ${report.execution.legs.length} orders, ${report.cancelled.length} cancelled${report.resting.length ? `; resting unfilled, left working: ${report.resting.join(', ')}` : ''}${report.busy.length ? `; busy, retried next run: ${report.busy.join(', ')}` : ''}${ok ? '' : '. Check the positions at Fyers.'}`,
    at: deps.clock(),
    details: { legs: report.execution.legs, cancelled: report.cancelled, busy: report.busy, resting: report.resting },
  });
  return {
    status: ok ? 200 : 500,
    body: { status: report.execution.status, due: due.length, legs: report.execution.legs, cancelled: report.cancelled, busy: report.busy, resting: report.resting },
  };
}
