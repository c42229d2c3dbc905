import { fyersPostbackSignature, parseFyersPostback } from '../../shared/broker/fyers/fyers.postback';
import { systemResolveHost } from '../../shared/notify/safe-target';
import { settledWithin } from '../../shared/platform/background-work';
import type { LifecycleDeps } from '../../shared/orders/lifecycle/lifecycle.deps';
import type { OrderEventWebhooksDeps } from '../order-events/order-event-webhooks.handler';
import type { OrderUpdatesDeps } from '../order-updates/order-updates.handler';
import { enforceStrategyRiskOn, type StrategyRiskDeps } from '../../shared/strategy/strategy-risk-run';
import type { ReconcileDeps } from '../reconcile-orders/reconcile-orders.handler';
import { nseSessionOfDay } from './pages.wiring';
import type { WiringContext } from './wiring-context';

/** The functions that follow orders after they leave: postbacks, the reconcile, event deliveries. */
export function lifecycleFunctions(w: WiringContext, lifecycle: LifecycleDeps, strategyRisk: StrategyRiskDeps[] | undefined, paper: LifecycleDeps): { orderUpdates: OrderUpdatesDeps; reconcile: ReconcileDeps; orderEventWebhooks: OrderEventWebhooksDeps } {
  const { adapters, clock, logger } = w;
  return {
    orderUpdates: { ...lifecycle, secrets: adapters.secrets, postbacks: { signature: fyersPostbackSignature, parse: parseFyersPostback }, followUpWindow: (work) => settledWithin(work, w.postbackFollowUpMs) },
    // Reconcile runs through NSE F&O's calendar session of each day (the widest), not narrowed by
    // TRADING_WINDOW: that stops new alerts, while the exits they armed work, fill and trail until the close.
    reconcile: { ...lifecycle, tradingWindow: nseSessionOfDay(w), afterCloseMs: 20 * 60_000, ...(strategyRisk ? { strategyRisk: () => enforceStrategyRiskOn(strategyRisk) } : {}), forwardTest: paper },
    orderEventWebhooks: { subscriptions: adapters.webhookSubscriptions, resolve: systemResolveHost, logger, clock, timeoutMs: 5_000 },
  };
}
