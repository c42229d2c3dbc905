import http from 'node:http';
import type { RequestListener } from 'node:http';
import { getFunction, getTestServer } from '@google-cloud/functions-framework/testing';
import { FUNCTION_NAMES } from './index';
import { getConfig } from './config';
import { getDeps } from './composition';
import { PAPER_DEMO_SECRET } from './adapters';
import { MAX_BODY_BYTES } from './webhook/webhook.handler';

/**
 * `npm start`: every function on one port at /<functionName>, served by the same Functions Framework
 * handlers Cloud Run runs, so what works here works there.
 */
export function createLocalServer(): http.Server {
  const apps = new Map<string, RequestListener>();
  // A name whose handler is not registered yet is left out here; the Terraform consistency test is
  // what insists that every deployed name has a handler.
  for (const name of FUNCTION_NAMES) if (getFunction(name)) apps.set(name, getTestServer(name).listeners('request')[0] as RequestListener);

  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const [, name = '', ...rest] = url.pathname.split('/');
    const app = apps.get(name);
    if (!app) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ status: 'error', error: { code: 'NOT_FOUND', message: `No function at /${name}`, functions: [...apps.keys()].map((n) => `/${n}`) } }));
      return;
    }
    // Cloud Run caps bodies at 32 MB; locally we refuse oversized alerts before the framework buffers them.
    if (name === 'webhook' && Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      res.writeHead(413, { 'Content-Type': 'application/json', Connection: 'close' });
      res.end(JSON.stringify({ status: 'error', error: { code: 'PAYLOAD_TOO_LARGE', message: `The body is larger than ${MAX_BODY_BYTES} bytes` } }));
      req.destroy();
      return;
    }
    // Express keeps an originalUrl set before it sees the request: handlers that link to themselves
    // (the login form posts back to its own path) must see /authUrl here, not the rewritten '/'.
    (req as http.IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
    req.url = '/' + rest.join('/') + url.search;
    app(req, res);
  });
}

if (require.main === module) {
  const config = getConfig();
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
        'Send a test alert:',
        `  curl -s -X POST ${base}/webhook -H 'Content-Type: text/plain' \\`,
        `    -d '{"token":"${secret}","symbol":"NIFTY","action":"BUY","optionType":"CE","strikeprice":"ATM","qty":1}'`,
        '',
      ].join('\n') + '\n',
    );
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
