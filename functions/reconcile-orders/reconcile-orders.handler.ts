import type { LifecycleDeps } from '../../shared/orders/lifecycle/lifecycle.deps';
import { reconcileOrders } from '../../shared/orders/lifecycle/reconcile-orders';
import { isWithinTradingWindow, type TradingWindow } from '../../shared/risk/trading-window';
import type { HttpReply } from '../http-response';

export interface ReconcileDeps extends LifecycleDeps {
  tradingWindow: TradingWindow;
  /** Keep reconciling this long after the close: late fills, expiries and the session-end report. */
  afterCloseMs: number;
}

/**
 * Cloud Scheduler calls this every minute (OIDC-authenticated by IAM). Outside the session (plus a
 * grace after the close) it does nothing, so a schedule wider than the session costs no broker calls.
 */
export async function handleReconcile(deps: ReconcileDeps): Promise<HttpReply> {
  const now = deps.clock();
  const inSession = isWithinTradingWindow(now, deps.tradingWindow);
  const inGrace = !inSession && isWithinTradingWindow(now - deps.afterCloseMs, deps.tradingWindow);
  if (!inSession && !inGrace) return { status: 200, body: { status: 'skipped', reason: 'outside the exchange session' } };
  const started = deps.clock();
  const report = await reconcileOrders(deps, { sessionEnding: inGrace });
  const ms = deps.clock() - started;
  deps.logger.info('reconcile done', { ...report, ms });
  return { status: 200, body: { status: 'reconciled', ...report, ms } };
}
