import type { LifecycleDeps } from '../../shared/orders/lifecycle/lifecycle.deps';
import { reconcileOrders } from '../../shared/orders/lifecycle/reconcile-orders';
import { isWithinTradingWindow, type TradingWindow } from '../../shared/risk/trading-window';
import type { HttpReply } from '../http-response';
import type { StrategyRiskRun } from '../../shared/strategy/strategy-risk-run';

export interface ReconcileDeps extends LifecycleDeps {
  /** The exchange session of the day `nowMs` falls on: whole, since exits and fills live until the close. */
  tradingWindow: (nowMs: number) => TradingWindow;
  /** Keep reconciling this long after the close: late fills, expiries and the session-end report. */
  afterCloseMs: number;
  /** The per-strategy risk rules (STRATEGY_RISK), evaluated each in-session run; absent: none configured. */
  strategyRisk?: () => Promise<StrategyRiskRun>;
  /** The forward test's lifecycle: its resting exits are filled at live prices, trailed and settled the same way. */
  forwardTest?: LifecycleDeps;
}

/**
 * Cloud Scheduler calls this every minute (OIDC-authenticated by IAM). Outside the session (plus a
 * grace after the close) it does nothing, so a schedule wider than the session costs no broker calls.
 */
export async function handleReconcile(deps: ReconcileDeps): Promise<HttpReply> {
  const now = deps.clock();
  const session = deps.tradingWindow(now);
  const inSession = isWithinTradingWindow(now, session);
  const inGrace = !inSession && isWithinTradingWindow(now - deps.afterCloseMs, session);
  if (!inSession && !inGrace) return { status: 200, body: { status: 'skipped', reason: 'outside the exchange session' } };
  const started = deps.clock();
  const report = await reconcileOrders(deps, { sessionEnding: inGrace });
  // After the records moved (fills known), one positions read judges every strategy's MTM.
  const risk = inSession && deps.strategyRisk
    ? await deps.strategyRisk().catch((e: unknown) => {
      deps.logger.error('strategy risk rules could not be evaluated this minute', { error: e });
      return undefined;
    })
    : undefined;
  // The paper book after the live one: a failure there is logged, never a reason to fail the live run.
  const paper = deps.forwardTest
    ? await reconcileOrders(deps.forwardTest, { sessionEnding: inGrace }).catch((e: unknown) => {
      deps.logger.error('the forward test could not be reconciled this minute', { error: e });
      return undefined;
    })
    : undefined;
  const ms = deps.clock() - started;
  deps.logger.info('reconcile done', { ...report, ms, strategiesStopped: risk?.stopped, ...(paper?.open ? { paperOpen: paper.open } : {}) });
  return { status: 200, body: { status: 'reconciled', ...report, ...(risk ? { strategyRisk: risk } : {}), ...(paper ? { paper } : {}), ms } };
}
