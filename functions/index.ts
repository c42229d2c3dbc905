import * as functions from '@google-cloud/functions-framework';
import { getConfig } from './config';
import { builtDeps, getDeps, type AppDeps } from './composition';
import { authCallbackFunction, authUrlFunction } from './auth/auth.http';
import { controlsFunction } from './controls/controls.http';
import { consoleFunction } from './console/console.http';
import { notifyFunction } from './notify/notify.event';
import { orderEventWebhooksFunction } from './order-events/order-event-webhooks.event';
import { orderUpdatesFunction } from './order-updates/order-updates.http';
import { reconcileOrdersFunction } from './reconcile-orders/reconcile-orders.http';
import { readyzFunction } from './readyz/readyz.http';
import { refreshSymbolMasterFunction } from './symbol-master/refresh-symbol-master.http';
import { refreshTokenFunction } from './token-keeper/token-keeper.http';
import { squareOffFunction } from './square-off/square-off.http';
import { webhookFunction } from './webhook/webhook.http';
import { scrubConsole } from '../shared/platform/scrub-console';
import { webhookDrain } from './drain';
import { installGracefulShutdown } from './graceful-shutdown';
import { installRequestBodyGuard } from './request-body-guard';

export { FUNCTION_NAMES } from './function-names';

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
// so TradingView's 3 s are spent on the alert. Local runs and tests build their deps themselves.
// Only the webhook warms: the other functions run under identities that may not read all of it.
if (getConfig().onGcp && getConfig().functionTarget === 'webhook') void getDeps().then((d) => d.warmUp()).catch(() => undefined);

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

functions.http('webhook', webhookFunction(part('webhook')));
functions.http('readyz', readyzFunction(part('readyz')));
functions.http('authUrl', authUrlFunction(part('auth')));
functions.http('authCallback', authCallbackFunction(part('auth')));
functions.http('refreshToken', refreshTokenFunction(part('tokenKeeper')));
functions.http('refreshSymbolMaster', refreshSymbolMasterFunction(part('symbolMaster')));
functions.http('controls', controlsFunction(part('controls')));
functions.http('console', consoleFunction(part('console')));
functions.http('squareOff', squareOffFunction(part('squareOff')));
functions.cloudEvent('notify', notifyFunction(part('notify')));
functions.http('orderUpdates', orderUpdatesFunction(part('orderUpdates')));
functions.http('reconcileOrders', reconcileOrdersFunction(part('reconcile')));
functions.cloudEvent('orderEventWebhooks', orderEventWebhooksFunction(part('orderEventWebhooks')));
