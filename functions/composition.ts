import { hostname } from 'node:os';
import { backgroundWork } from '../shared/platform/background-work';
import type { Config } from '../shared/config/config';
import type { Clock } from '../shared/platform/clock';
import { systemClock } from '../shared/platform/clock';
import { createLogger, registerSecret, type Logger } from '../shared/platform/logger';
import { randomToken } from '../shared/platform/ids';
import { liveControls } from '../shared/store/live-controls';
import type { LifecycleDeps } from '../shared/orders/lifecycle/lifecycle.deps';
import type { LossLimitDeps } from '../shared/strategy/daily-loss';
import type { AuthDeps } from './auth/auth.handler';
import type { ConsoleDeps } from './console/console.handler';
import type { ControlsDeps } from './controls/controls.handler';
import type { NotifyDeps } from './notify/notify.handler';
import type { OrderEventWebhooksDeps } from './order-events/order-event-webhooks.handler';
import type { OrderUpdatesDeps } from './order-updates/order-updates.handler';
import type { ReadyzDeps } from './readyz/readyz.handler';
import type { ReconcileDeps } from './reconcile-orders/reconcile-orders.handler';
import type { SquareOffDeps } from './square-off/square-off.handler';
import type { RefreshSymbolMasterDeps } from './symbol-master/refresh-symbol-master.handler';
import type { TokenKeeperDeps } from './token-keeper/token-keeper.handler';
import type { WebhookDeps } from './webhook/webhook.handler';
import { createOperatorKeyGate, type OperatorKeyGate } from './operator-auth/operator-key';
import { buildAdapters, symbolMasterPolicy, type Adapters } from './adapters';
import { getConfig } from './config';
import { orderPath } from './wiring/order-path.wiring';
import { forwardTest } from './wiring/forward-test.wiring';
import { createRefusalDigest } from '../shared/notify/refusal-digest';
import { REFUSAL_DIGEST_WINDOW_MS } from './wiring/webhook.wiring';
import { withQuoteMemory } from '../shared/broker/quote-memory';
import { strategyJobs } from './wiring/strategy-jobs.wiring';
import { webhookDeps } from './wiring/webhook.wiring';
import { POSTBACK_FOLLOW_UP_MS, type WiringContext } from './wiring/wiring-context';

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
  /** Opens channels and caches before the first request of `fn` (default: the webhook). */
  warmUp(fn?: 'webhook' | 'orderUpdates'): Promise<void>;
  close(): Promise<void>;
}

/** How old a remembered quote may be to price a MARKET reply or a paper fill. */
const QUOTE_MEMORY_MS = 1_000;

/**
 * The composition root: the one place that knows which adapters exist and picks them from config, then
 * hands each function its dependencies from one wiring factory per module (functions/wiring/). Tests
 * pass overrides (a fake clock, a broker pointed at the fake Fyers server) and get the same wiring.
 */
export async function buildDeps(config: Config, overrides: Partial<Adapters> & { clock?: Clock; logger?: Logger; postbackFollowUpMs?: number } = {}): Promise<AppDeps> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  for (const s of Object.values(config.localSecrets)) registerSecret(s);
  const instanceId = `${config.onGcp ? config.revision ?? 'run' : hostname()}-${randomToken(4)}`;
  const adapters = await buildAdapters(config, { clock, logger, instanceId }, overrides);
  const w: WiringContext = {
    config, adapters, clock, logger, instanceId,
    controls: liveControls(adapters.controls, { clock, logger, cacheMs: config.controlsCacheMs }),
    symbols: adapters.symbols,
    operatorKey: createOperatorKeyGate({ secrets: adapters.secrets, clock, logger }),
    refusals: createRefusalDigest({ clock, notifier: adapters.notifier, windowMs: REFUSAL_DIGEST_WINDOW_MS }),
    background: backgroundWork(),
    quotes: withQuoteMemory(adapters.broker, { clock, maxAgeMs: QUOTE_MEMORY_MS }),
    postbackFollowUpMs: overrides.postbackFollowUpMs ?? POSTBACK_FOLLOW_UP_MS,
  };

  // The order path is every trading function's core; the leaves below are built (and their modules
  // loaded) on first use, so a deployed function loads the wiring its own handler reaches and no more.
  const { executor, lifecycle } = orderPath(w);
  const paper = forwardTest(w);
  const jobs = strategyJobs(w, executor, paper);
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use (see above) */
  const page = once(() =>
    (require('./wiring/pages.wiring') as typeof import('./wiring/pages.wiring')).pages(w, executor, jobs.flatten, { flatten: jobs.paperFlatten, venue: paper.venue, records: adapters.forwardTest.orderRecords }),
  );
  const session = once(() => (require('./wiring/session.wiring') as typeof import('./wiring/session.wiring')).brokerSession(w));
  const followers = once(() =>
    (require('./wiring/lifecycle-functions.wiring') as typeof import('./wiring/lifecycle-functions.wiring')).lifecycleFunctions(w, lifecycle, jobs.strategyRisk, paper.lifecycle),
  );
  /* eslint-enable @typescript-eslint/no-require-imports */
  return {
    config,
    adapters,
    webhook: webhookDeps(w, executor, jobs.lossLimit, paper.venue),
    get readyz() {
      return page().readyz;
    },
    get controls() {
      return page().controls;
    },
    get console() {
      return page().console;
    },
    get auth() {
      return session().auth;
    },
    get tokenKeeper() {
      return session().tokenKeeper;
    },
    symbolMaster: { ...symbolMasterPolicy(config), clock, logger, blobs: adapters.blobs, download: adapters.download, notifier: adapters.notifier },
    notify: { logger, forward: adapters.forwardNotification },
    squareOff: jobs.squareOff,
    ...(jobs.lossLimit ? { lossLimit: jobs.lossLimit } : {}),
    lifecycle,
    get orderUpdates() {
      return followers().orderUpdates;
    },
    get reconcile() {
      return followers().reconcile;
    },
    get orderEventWebhooks() {
      return followers().orderEventWebhooks;
    },
    operatorKey: w.operatorKey,
    warmUp: async (fn = 'webhook') => {
      const started = clock();
      // Only what the function's own identity may read (terraform/iam.tf). A postback instance opens its
      // store channel and reads its secrets, so a cold instance's first fill is not the one paying for them.
      const reads = (): Promise<unknown>[] => {
        if (fn === 'orderUpdates') return [adapters.secrets.get('fyers-postback-token'), adapters.secrets.get('fyers-postback-secret'), adapters.orderRecords.get('warm-up')];
        w.controls.start();
        return [w.symbols(), w.controls(), adapters.secrets.get('webhook-secret')];
      };
      const results = await Promise.allSettled(reads());
      const failed = results.filter((r) => r.status === 'rejected').length;
      logger.info('instance warmed up', { function: fn, ms: clock() - started, failed });
    },
    close: async () => {
      w.controls.close();
      // Exits a postback started are let finish (bounded); the reconcile completes any cut short.
      if (!(await w.background.idle(10_000))) logger.warn('closing with work still running', { pending: w.background.size });
      await adapters.close();
    },
  };
}

/** `make()` on the first call, its value after. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
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
