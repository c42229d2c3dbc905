import { hostname } from 'node:os';
import type { Config } from '../shared/config/config';
import type { Clock } from '../shared/platform/clock';
import { systemClock } from '../shared/platform/clock';
import { createLogger, registerSecret, type Logger } from '../shared/platform/logger';
import { randomToken } from '../shared/platform/ids';
import { liveControls } from '../shared/store/live-controls';
import { createRecentKeys } from '../shared/orders/recent-keys';
import type { ControlsDeps } from './controls/controls.handler';
import type { AuthDeps } from './auth/auth.handler';
import type { NotifyDeps } from './notify/notify.handler';
import type { ReadyzDeps } from './readyz/readyz.handler';
import type { RefreshSymbolMasterDeps } from './symbol-master/refresh-symbol-master.handler';
import type { TokenKeeperDeps } from './token-keeper/token-keeper.handler';
import type { WebhookDeps } from './webhook/webhook.handler';
import type { SquareOffDeps } from './square-off/square-off.handler';
import { lossGuard, type LossLimitDeps } from '../shared/strategy/daily-loss';
import type { FlattenDeps } from '../shared/strategy/flatten-holdings';
import type { OrderUpdatesDeps } from './order-updates/order-updates.handler';
import type { ReconcileDeps } from './reconcile-orders/reconcile-orders.handler';
import type { LifecycleDeps } from '../shared/orders/lifecycle/lifecycle.deps';
import type { OrderEventWebhooksDeps } from './order-events/order-event-webhooks.handler';
import { systemResolveHost } from '../shared/notify/safe-target';
import { createThrottledNotifier } from '../shared/notify/throttled-notifier';
import { parseFyersPostback, verifyFyersPostback } from '../shared/broker/fyers/fyers.postback';
import { managedExitsEnabled } from './protection-seam';
import { createOrderExecutor, type OrderExecutor } from '../shared/orders/execute/execute-plan';
import { lifecycleExits, lifecycleRecorder } from '../shared/orders/lifecycle/lifecycle-recorder';
import type { ConsoleDeps } from './console/console.handler';
import { orderViewsFromBroker } from '../shared/orders/order-views';
import { PAGE_READ_TTLS, withCachedReads } from '../shared/broker/cached-reads';
import { createSourceGuard } from './webhook/source-guard';
import { createRefusalDigest } from '../shared/notify/refusal-digest';
import { createOperatorKeyGate, type OperatorKeyGate } from './operator-auth/operator-key';
import { buildAdapters, symbolMasterPolicy, type Adapters } from './adapters';
import { getConfig } from './config';
import { istParts } from '../shared/platform/ist';
import { tradingWindowFor } from '../shared/risk/trading-window';

/** What each function's handler receives. Built once per instance. */
export interface AppDeps {
  config: Config;
  adapters: Adapters;
  webhook: WebhookDeps;
  readyz: ReadyzDeps;
  controls: ControlsDeps;
  auth: AuthDeps;
  tokenKeeper: TokenKeeperDeps;
  symbolMaster: RefreshSymbolMasterDeps;
  notify: NotifyDeps;
  squareOff: SquareOffDeps;
  /** Absent when DAILY_LOSS_LIMIT is not set; what a reconcile run passes to enforceDailyLossLimit. */
  lossLimit?: LossLimitDeps;
  /** The order lifecycle, shared by the postback and reconcile functions and the order path's hook. */
  lifecycle: LifecycleDeps;
  orderUpdates: OrderUpdatesDeps;
  reconcile: ReconcileDeps;
  orderEventWebhooks: OrderEventWebhooksDeps;
  console: ConsoleDeps;
  /** The one operator-key check (with its per-source attempt limit) every operator entry point shares. */
  operatorKey: OperatorKeyGate;
  /** Opens the store's channel, loads the symbol master and reads the webhook secret before the first alert. */
  warmUp(): Promise<void>;
  close(): Promise<void>;
}

/** TradingView gives up at 3 s; leave room for the platform's own latency and the audit write. */
const RESPONSE_BUDGET_MS = 2500;
/** A broken alert firing every minute reads as one message now and one summary per this window. */
const REFUSAL_DIGEST_WINDOW_MS = 10 * 60_000;
/** Short enough that a phone left unlocked is not a standing key to the kill switch. */
const CONSOLE_SESSION_MS = 20 * 60_000;

/**
 * The composition root: the one place that knows which adapters exist and picks them from config.
 * Tests pass overrides (a fake clock, a broker pointed at the fake Fyers server) and get the same wiring.
 */
export async function buildDeps(config: Config, overrides: Partial<Adapters> & { clock?: Clock; logger?: Logger } = {}): Promise<AppDeps> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  for (const s of Object.values(config.localSecrets)) registerSecret(s);
  const instanceId = `${config.onGcp ? config.revision ?? 'run' : hostname()}-${randomToken(4)}`;
  const adapters = await buildAdapters(config, { clock, logger, instanceId }, overrides);

  const controls = liveControls(adapters.controls, { clock, logger, cacheMs: config.controlsCacheMs });
  const symbols = adapters.symbols;
  const loginUrl = config.loginUrl;
  const operatorKey = createOperatorKeyGate({ secrets: adapters.secrets, clock, logger });

  // The one executor: every alert, exit, flatten and rollback is a plan it runs through the one paced
  // broker port; it records every order through the lifecycle, which in turn uses it for the exits.
  const lifecycle = lifecycleDeps(config, adapters, { clock, logger, instanceId });
  const executor: OrderExecutor = createOrderExecutor({ broker: adapters.broker, logger, recorder: lifecycle.recorder, exits: lifecycleExits(lifecycle) });
  lifecycle.executor = executor;

  const flatten: FlattenDeps = {
    clock,
    logger,
    broker: adapters.broker,
    executor,
    symbols,
    holdings: adapters.holdings,
    leases: adapters.leases,
    freezeQtyOverrides: config.risk.freezeQtyOverrides,
    owner: `${instanceId}:flatten`,
    lockMs: config.idempotencyLeaseMs,
  };
  const lossLimit: LossLimitDeps | undefined =
    config.dailyLossLimit === undefined
      ? undefined
      : {
          ...flatten,
          controls: adapters.controls,
          notifier: adapters.notifier,
          limit: config.dailyLossLimit,
          flattenOnLimit: config.lossLimitFlatten,
          // This instance must refuse the next alert at once, not after its controls cache expires.
          onControlsChanged: (after) => controls.changed(after),
        };

  const webhook: WebhookDeps = {
    clock,
    logger,
    broker: adapters.broker,
    executor,
    idempotency: adapters.idempotency,
    audit: adapters.audit,
    controls,
    reserveDailyOrder: (day, cap) => adapters.controls.reserveDailyOrder(day, cap),
    releaseDailyOrder: (day) => adapters.controls.releaseDailyOrder(day),
    symbols,
    leases: adapters.leases,
    secrets: adapters.secrets,
    notifier: adapters.notifier,
    holdings: adapters.holdings,
    ...(lossLimit ? { lossGuard: lossGuard(lossLimit) } : {}),
    // Resends come within seconds; a few thousand keys cover a trading day's burst many times over.
    recentKeys: createRecentKeys({ clock, ttlMs: Math.max(config.dedupWindowMs, 60_000), max: 5000 }),
    guard: createSourceGuard({ allowedIps: config.allowedSourceIps }),
    refusals: createRefusalDigest({ clock, notifier: adapters.notifier, windowMs: REFUSAL_DIGEST_WINDOW_MS }),
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
      // TradingView resends a 503 after 5 s; by then the first close has settled into the position.
      reduceOnlySettleMs: 4000,
    },
  };

  // Readiness and the login page judge NSE F&O's session from the market calendar, narrowed by
  // TRADING_WINDOW. Alerts themselves are judged against their own exchange's session from the master.
  const today = istParts(clock()).date;
  const readinessWindow = tradingWindowFor('NSE', today, config.risk.tradingWindow, config.risk.holidays);
  // Pages (readiness, the console) read through a short cache: a reload, or ten phones polling, cannot
  // spend the account's budget. Nothing that trades reads through it: orders need fresh answers.
  const pageBroker = withCachedReads(adapters.broker, { clock, ttlMs: PAGE_READ_TTLS });
  const readyz: ReadyzDeps = {
    clock,
    logger,
    broker: pageBroker,
    symbols,
    probes: adapters.probes,
    probeTimeoutMs: 1500,
    controls,
    session: { window: readinessWindow, enforce: config.risk.enforceTradingWindow },
  };
  const controlsDeps: ControlsDeps = {
    clock,
    logger,
    controls: adapters.controls,
    audit: adapters.audit,
    operatorKey,
    notifier: adapters.notifier,
    onChanged: (after) => controls.changed(after),
    webhooks: { store: adapters.webhookSubscriptions, resolve: systemResolveHost, clock },
  };
  const publishedIndex = Boolean(config.symbolMaster.bucket) || config.symbolMaster.urls.length > 0;

  const deps: AppDeps = {
    config,
    adapters,
    webhook,
    readyz,
    controls: controlsDeps,
    auth: {
      clock,
      logger,
      operatorKey,
      login: adapters.login,
      states: adapters.oauthStates,
      tokens: adapters.tokens,
      accessTokens: adapters.accessTokens,
      broker: adapters.broker,
      controls: adapters.controls,
      stateTtlMs: 10 * 60_000,
      session: { window: readinessWindow, enforce: config.risk.enforceTradingWindow },
    },
    tokenKeeper: {
      clock,
      logger,
      login: adapters.login,
      tokens: adapters.tokens,
      accessTokens: adapters.accessTokens,
      broker: adapters.broker,
      leases: adapters.leases,
      secrets: adapters.secrets,
      notifier: adapters.notifier,
      instanceId,
      loginUrl,
    },
    symbolMaster: {
      ...symbolMasterPolicy(config),
      clock,
      logger,
      blobs: adapters.blobs,
      download: adapters.download,
      notifier: adapters.notifier,
    },
    notify: { logger, forward: adapters.forwardNotification },
    console: {
      clock,
      logger,
      secrets: adapters.secrets,
      controls: controlsDeps,
      operatorKey,
      loginUrl,
      sessionTtlMs: CONSOLE_SESSION_MS,
      defaultMaxLots: config.risk.maxLots,
      view: {
        clock,
        logger,
        readiness: readyz,
        controls: adapters.controls,
        audit: adapters.audit,
        broker: pageBroker,
        orders: orderViewsFromBroker(pageBroker),
        notifications: adapters.recentNotifications,
        symbolMaster: async () => {
          const index = await symbols();
          const meta = publishedIndex ? await adapters.blobs.stat(config.symbolMaster.object) : undefined;
          const source = meta ? 'the refresh job' : config.symbolMaster.file ? 'local files' : 'the bundled sample, generated for today';
          return { version: index.version, instruments: index.instrumentCount, publishedAt: meta?.updated, source };
        },
        defaultMaxLots: config.risk.maxLots,
        partTimeoutMs: 2_500,
      },
    },
    squareOff: { ...flatten, notifier: adapters.notifier, atMin: config.squareOff.atMin, byStrategy: config.squareOff.byStrategy },
    ...(lossLimit ? { lossLimit } : {}),
    lifecycle,
    orderEventWebhooks: { subscriptions: adapters.webhookSubscriptions, resolve: systemResolveHost, logger, clock, timeoutMs: 5_000 },
    orderUpdates: { ...lifecycle, secrets: adapters.secrets, postbacks: { verify: verifyFyersPostback, parse: parseFyersPostback }, answerWithinMs: 2_000 },
    reconcile: {
      ...lifecycle,
      // Reconcile runs through NSE F&O's calendar session (the widest), narrowed by TRADING_WINDOW.
      tradingWindow: tradingWindowFor('NSE', today, config.risk.tradingWindow, config.risk.holidays),
      afterCloseMs: 20 * 60_000,
    },
    operatorKey,
    warmUp: async () => {
      const started = clock();
      controls.start();
      const results = await Promise.allSettled([symbols(), controls(), adapters.secrets.get('webhook-secret')]);
      const failed = results.filter((r) => r.status === 'rejected').length;
      logger.info('instance warmed up', { ms: clock() - started, failed });
    },
    close: async () => {
      controls.close();
      await adapters.close();
    },
  };
  return deps;
}

/** The order lifecycle: records, events, managed exits and the reconcile share it. Its executor is set once built. */
function lifecycleDeps(config: Config, adapters: Adapters, ctx: { clock: Clock; logger: Logger; instanceId: string }): LifecycleDeps {
  const lifecycle: LifecycleDeps = {
    clock: ctx.clock,
    logger: ctx.logger,
    records: adapters.orderRecords,
    publisher: adapters.orderEvents,
    // Fills and exits can come by the dozen in a busy minute; the operator gets a few and a count.
    notifier: createThrottledNotifier(adapters.notifier, { clock: ctx.clock, windowMs: 60_000, perKindPerWindow: 5 }),
    broker: adapters.broker,
    instanceId: ctx.instanceId,
    settings: {
      managedExits: () => managedExitsEnabled(config),
      // Longer than a broker call (timeout) twice over: a claim never lapses while its send is undecided.
      exitClaimMs: Math.max(10_000, config.fyers.timeoutMs * 4),
      stopLimitSlippagePct: 0.02,
      unfilledAlertMs: config.lifecycle.unfilledAlertMs,
      outboxGraceMs: 30_000,
    },
  };
  lifecycle.recorder = lifecycleRecorder(lifecycle);
  return lifecycle;
}

let shared: Promise<AppDeps> | undefined;

/** Per-instance singleton; a failed build is not cached, so the next request tries again. */
export function getDeps(): Promise<AppDeps> {
  shared ??= buildDeps(getConfig()).catch((e: unknown) => {
    shared = undefined;
    throw e;
  });
  return shared;
}

/** The instance's deps if they were ever asked for, without building them (shutdown closes only what exists). */
export function builtDeps(): Promise<AppDeps> | undefined {
  return shared;
}

/** Tests swap the instance-wide deps (and restore with undefined). */
export function setDepsForTests(deps: AppDeps | undefined): void {
  shared = deps ? Promise.resolve(deps) : undefined;
}
