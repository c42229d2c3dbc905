// First: the compile cache shipped with the build must be on before any other module compiles.
import './compile-cache';
import * as functions from '@google-cloud/functions-framework';
import { getConfig } from './config';
import { builtDeps, getDeps, type AppDeps } from './composition';
import { scrubConsole } from '../shared/platform/scrub-console';
import { webhookDrain } from './drain';
import { installGracefulShutdown } from './graceful-shutdown';
import { installRequestBodyGuard } from './request-body-guard';

import { FUNCTION_NAMES, type FunctionName } from './function-names';

export { FUNCTION_NAMES };

/**
 * Entry points. Each name is a Cloud Run function's entry_point in terraform/functions.tf; the
 * consistency test keeps the two lists equal. Config is parsed at module load so a bad deployment
 * fails at start-up with a message naming the variable, not on the first alert.
 */
getConfig();

// The framework's Express answers unparseable bodies (bad JSON, unknown Content-Encoding) itself, before
// our handler runs, and outside production it puts the stack trace, with file paths, in that answer.
// Nothing guarantees the platform sets NODE_ENV, so an unset one means production. Read before the
// framework creates its server, which happens after this module has loaded.
process.env.NODE_ENV ??= 'production';
// ...and in production it logs those errors with console.error, quoting the body (and any token in it).
scrubConsole();
// Bodies are size- and encoding-checked before the framework's parsers buffer or inflate them.
// orderUpdates answers 200 even then: Fyers blacklists a postback URL after non-200 answers.
installRequestBodyGuard({ answerOk: () => getConfig().functionTarget === 'orderUpdates' });

// On Cloud Run the first Firestore call of an instance costs a gRPC channel set-up (~1-2 s) and the
// symbol master a download; start both while the platform is still routing the first request here,
// so TradingView's 3 s are spent on the alert, and a postback's 1 s window on its fill and exits.
// Local runs and tests build their deps themselves. Only these two warm, each reading only what its
// own identity may read; the others are scheduled or rare.
const warmed = getConfig().functionTarget;
if (getConfig().onGcp && (warmed === 'webhook' || warmed === 'orderUpdates')) void getDeps().then((d) => d.warmUp(warmed)).catch(() => undefined);

// Under the Functions Framework (Cloud Run, or its CLI), an instance told to stop finishes its alerts first.
// Cloud Run allows 10 s after SIGTERM; the rest of that is for flushing and closing.
if (getConfig().functionTarget) {
  installGracefulShutdown({
    drain: webhookDrain,
    graceMs: 8_500,
    closeMs: 1_000,
    beforeExit: async (drained, inFlight) => {
      const pending = builtDeps();
      if (!pending) return;
      const deps = await pending;
      if (drained) deps.webhook.logger.info('alerts drained; shutting down');
      else deps.webhook.logger.error('shutdown grace spent with alerts still in flight', { inFlight });
      await Promise.allSettled([deps.webhook.refusals.flush(), deps.close()]);
    },
  });
}

// Wiring from the top: the instance's dependencies are built once (on first use) and each function gets
// only its own part; no handler reaches back for them.
const part =
  <K extends keyof AppDeps>(name: K) =>
  async (): Promise<AppDeps[K]> =>
    (await getDeps())[name];

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on demand, so a function loads only its own handler */
const REGISTER: Record<FunctionName, () => void> = {
  webhook: () => functions.http('webhook', (require('./webhook/webhook.http') as typeof import('./webhook/webhook.http')).webhookFunction(part('webhook'))),
  readyz: () => functions.http('readyz', (require('./readyz/readyz.http') as typeof import('./readyz/readyz.http')).readyzFunction(part('readyz'))),
  authUrl: () => functions.http('authUrl', (require('./auth/auth.http') as typeof import('./auth/auth.http')).authUrlFunction(part('auth'))),
  authCallback: () => functions.http('authCallback', (require('./auth/auth.http') as typeof import('./auth/auth.http')).authCallbackFunction(part('auth'))),
  refreshToken: () => functions.http('refreshToken', (require('./token-keeper/token-keeper.http') as typeof import('./token-keeper/token-keeper.http')).refreshTokenFunction(part('tokenKeeper'))),
  refreshSymbolMaster: () =>
    functions.http('refreshSymbolMaster', (require('./symbol-master/refresh-symbol-master.http') as typeof import('./symbol-master/refresh-symbol-master.http')).refreshSymbolMasterFunction(part('symbolMaster'))),
  controls: () => functions.http('controls', (require('./controls/controls.http') as typeof import('./controls/controls.http')).controlsFunction(part('controls'))),
  console: () => functions.http('console', (require('./console/console.http') as typeof import('./console/console.http')).consoleFunction(part('console'))),
  squareOff: () => functions.http('squareOff', (require('./square-off/square-off.http') as typeof import('./square-off/square-off.http')).squareOffFunction(part('squareOff'))),
  notify: () => functions.cloudEvent('notify', (require('./notify/notify.event') as typeof import('./notify/notify.event')).notifyFunction(part('notify'))),
  orderUpdates: () => functions.http('orderUpdates', (require('./order-updates/order-updates.http') as typeof import('./order-updates/order-updates.http')).orderUpdatesFunction(part('orderUpdates'))),
  reconcileOrders: () =>
    functions.http('reconcileOrders', (require('./reconcile-orders/reconcile-orders.http') as typeof import('./reconcile-orders/reconcile-orders.http')).reconcileOrdersFunction(part('reconcile'))),
  orderEventWebhooks: () =>
    functions.cloudEvent(
      'orderEventWebhooks',
      (require('./order-events/order-event-webhooks.event') as typeof import('./order-events/order-event-webhooks.event')).orderEventWebhooksFunction(part('orderEventWebhooks')),
    ),
};
/* eslint-enable @typescript-eslint/no-require-imports */

// A deployed function (FUNCTION_TARGET set by the platform) registers and loads only its own handler;
// a local server or a test (no target) serves them all.
const target = getConfig().functionTarget as FunctionName | undefined;
for (const name of target && target in REGISTER ? [target] : FUNCTION_NAMES) REGISTER[name]();
