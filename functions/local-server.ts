// First: the compile cache shipped with the build must be on before any other module compiles.
import './compile-cache';
import http from 'node:http';
import type { RequestListener } from 'node:http';
import { getFunction, getTestServer } from '@google-cloud/functions-framework/testing';
import { FUNCTION_NAMES } from './index';
import { getConfig, rereadConfig } from './config';
import { builtDeps, getDeps } from './composition';
import { consoleLines, ensureLocalOperatorKey, stopLocal } from './local-start';
import { PAPER_DEMO_SECRET } from './adapters';
import { webhookDrain } from './drain';
import { guardRequestBodies } from './request-body-guard';
import { errorReply } from './http-response';
import { bearerKey } from './operator-auth/operator-key';
import { requestSource } from './operator-auth/request-source';

/**
 * In the cloud these are reachable only through IAM (Cloud Scheduler's and Pub/Sub's identities); on
 * the one-port server nothing stands in front of them, so they ask for the operator key instead.
 */
// orderEventWebhooks signs whatever event it is given with each subscriber's secret: an open endpoint
// would let anyone forge signed order events to the subscribers. squareOff places orders.
const OPERATOR_ONLY = new Set(['notify', 'refreshToken', 'refreshSymbolMaster', 'reconcileOrders', 'orderEventWebhooks', 'squareOff']);

export interface LocalServerOptions {
  /**
   * Nothing stands in front of this server, so by default X-Forwarded-For is whatever the client wrote
   * and is replaced by the socket's address. Tests that play Google's front end set this to true.
   */
  trustForwardedFor?: boolean;
}

/** The request target as a path on this host: leading slashes and backslashes collapsed to one `/`. */
export function sameHostPath(target: string | undefined): string {
  return (target ?? '/').replace(/^[/\\]+/, '/') || '/';
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * `npm start`: every function on one port at /<functionName>, served by the same Functions Framework
 * handlers Cloud Run runs, so what works here works there.
 */
export function createLocalServer(opts: LocalServerOptions = {}): http.Server {
  const apps = new Map<string, RequestListener>();
  // A name whose handler is not registered yet is left out here; the Terraform consistency test is
  // what insists that every deployed name has a handler.
  for (const name of FUNCTION_NAMES) if (getFunction(name)) apps.set(name, getTestServer(name).listeners('request')[0] as RequestListener);

  const postbacks = (req: http.IncomingMessage) => /^\/orderUpdates(\/|\?|$)/.test(req.url ?? '');
  return http.createServer(guardRequestBodies((req, res) => {
    // `//evil.example/console/login` is a path here, but a handler that links to its own path would
    // turn it into a redirect to another host: one leading slash, always (and `\` counts as `/`).
    req.url = sameHostPath(req.url);
    const url = new URL(req.url, 'http://local');
    const [, name = '', ...rest] = url.pathname.split('/');
    const app = apps.get(name);
    if (!app) {
      sendJson(res, 404, { status: 'error', error: { code: 'NOT_FOUND', message: `No function at /${name}`, functions: [...apps.keys()].map((n) => `/${n}`) } });
      return;
    }
    if (!opts.trustForwardedFor) req.headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
    // Express keeps an originalUrl set before it sees the request: handlers that link to themselves
    // (the login form posts back to its own path) must see /authUrl here, not the rewritten '/'.
    (req as http.IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
    // Where this function is mounted, from the routing table rather than the request: the login form posts here.
    (req as http.IncomingMessage & { functionMount?: string }).functionMount = `/${name}`;
    req.url = '/' + rest.join('/') + url.search;
    if (!OPERATOR_ONLY.has(name)) return app(req, res);
    void getDeps()
      .then((deps) => deps.operatorKey.verify(bearerKey(req.headers.authorization), requestSource(req)))
      .then(
        () => app(req, res),
        (e: unknown) => {
          const r = errorReply(e, 'none');
          sendJson(res, r.status, r.body, r.headers);
        },
      );
  }, undefined, { answerOk: postbacks }));
}

if (require.main === module) {
  // Before the configuration is read: a first start gets a generated operator key (.env still wins).
  // index.ts has read the environment already; read it again with the key in place, before any deps exist.
  const key = ensureLocalOperatorKey(process.env);
  const config = key.source === 'generated' || key.source === 'file' ? rereadConfig() : getConfig();
  const server = createLocalServer();
  // Build the adapters and load the symbol master before the first alert, as a warm instance would have.
  void getDeps()
    .then((d) => d.warmUp())
    .catch((e: unknown) => process.stderr.write(`start-up problem: ${e instanceof Error ? e.message : String(e)}\n`));
  server.listen(config.port, () => {
    const base = `http://localhost:${config.port}`;
    const secret = config.localSecrets.webhookSecret ? '<your WEBHOOK_SECRET>' : config.broker === 'paper' ? PAPER_DEMO_SECRET : '<set WEBHOOK_SECRET>';
    process.stdout.write(
      [
        '',
        `tv-fyers-bridge listening on ${base} (broker=${config.broker}, store=${config.store}, data in ${config.dataDir})`,
        `functions: ${FUNCTION_NAMES.filter((n) => getFunction(n)).map((n) => `${base}/${n}`).join('  ')}`,
        '',
        ...consoleLines(base, key),
        '',
        'Send a test alert:',
        `  curl -s -X POST ${base}/webhook -H 'Content-Type: text/plain' \\`,
        `    -d '{"token":"${secret}","symbol":"NIFTY","action":"BUY","optionType":"CE","strikeprice":"ATM","qty":1}'`,
        '',
      ].join('\n') + '\n',
    );
  });
  // As on Cloud Run: refuse new alerts, let those in flight finish and be recorded, send the pending
  // refusal summary, then exit.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void stopLocal({ drain: webhookDrain, server, deps: builtDeps }).finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
