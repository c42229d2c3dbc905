import type { OrderExecutor } from '../../shared/orders/execute/execute-plan';
import { createRecentKeys } from '../../shared/orders/recent-keys';
import { lossGuard, type LossLimitDeps } from '../../shared/strategy/daily-loss';
import { createSourceGuard } from '../webhook/source-guard';
import type { WebhookDeps } from '../webhook/webhook.handler';
import type { WiringContext } from './wiring-context';
import type { ForwardTestVenue } from '../../shared/strategy/strategy.deps';

/** TradingView gives up at 3 s; leave room for the platform's own latency and the audit write. */
const RESPONSE_BUDGET_MS = 2500;
/** A broken alert firing every minute reads as one message now and one summary per this window. */
export const REFUSAL_DIGEST_WINDOW_MS = 10 * 60_000;

/** The alert door: admission, claim, plan, the one executor, and what the answer and the audit say. */
export function webhookDeps(w: WiringContext, executor: OrderExecutor, lossLimit: LossLimitDeps | undefined, paper: ForwardTestVenue): WebhookDeps {
  const { config, adapters, clock, logger, instanceId } = w;
  // Every quote the webhook takes (spots for ATM, LIMIT checks) also prices MARKET replies for a second.
  const { quotes } = w;
  return {
    clock,
    logger,
    broker: quotes.broker,
    recentQuote: quotes.recentQuote,
    executor,
    idempotency: adapters.idempotency,
    audit: adapters.audit,
    alertCommit: adapters.alertCommit,
    controls: w.controls,
    reserveDailyOrder: (day, cap) => adapters.controls.reserveDailyOrder(day, cap),
    releaseDailyOrder: (day) => adapters.controls.releaseDailyOrder(day),
    symbols: w.symbols,
    leases: adapters.leases,
    secrets: adapters.secrets,
    notifier: adapters.notifier,
    holdings: adapters.holdings,
    orderRecords: adapters.orderRecords,
    forwardTest: paper,
    ...(lossLimit ? { lossGuard: lossGuard(lossLimit) } : {}),
    // Resends come within seconds; a few thousand keys cover a trading day's burst many times over.
    recentKeys: createRecentKeys({ clock, ttlMs: Math.max(config.dedupWindowMs, 60_000), max: 5000 }),
    guard: createSourceGuard({ allowedIps: config.allowedSourceIps }),
    refusals: w.refusals,
    settings: {
      maxLots: config.risk.maxLots,
      tradingWindow: { narrowing: config.risk.tradingWindow, holidays: config.risk.holidays },
      enforceTradingWindow: config.risk.enforceTradingWindow,
      coverOnlyBuy: config.risk.coverOnlyBuy,
      freezeQtyOverrides: config.risk.freezeQtyOverrides,
      protection: config.risk.protection,
      limitPriceBandPercent: config.risk.limitPriceBandPercent,
      dedupWindowMs: config.dedupWindowMs,
      idempotencyTtlMs: config.idempotencyTtlMs,
      idempotencyLeaseMs: config.idempotencyLeaseMs,
      instanceId,
      responseBudgetMs: RESPONSE_BUDGET_MS,
      sendMarginMs: config.fyers.timeoutMs + 1000,
      paperStrategies: config.paperStrategies,
      // TradingView resends a 503 after 5 s; by then the first close has settled into the position.
      reduceOnlySettleMs: 4000,
    },
  };
}
