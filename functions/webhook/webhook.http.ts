import type { HttpFunction } from '@google-cloud/functions-framework';
import { readBody, send } from '../http-adapter';
import { errorReply } from '../http-response';
import { webhookDrain, type Drain } from '../drain';
import { clientIpFrom } from './source-guard';
import { handleWebhook, type WebhookDeps } from './webhook.handler';

/** TradingView's entry point. Everything interesting happens in handleWebhook. */
export const webhookFunction =
  (deps: () => Promise<WebhookDeps>, drain: Drain = webhookDrain): HttpFunction =>
  async (req, res) => {
    const release = drain.enter();
    if (!release) {
      // Shutting down: nothing was read or sent, so a 503 is safe and TradingView resends to a live instance.
      send(res, { status: 503, headers: { 'Retry-After': '1', Connection: 'close' }, body: { status: 'error', error: { code: 'SHUTTING_DOWN', message: 'This instance is shutting down; nothing was sent. Retry.' } } });
      return;
    }
    try {
      const reply = await handleWebhook(await deps(), {
        method: req.method,
        rawBody: await readBody(req),
        headers: req.headers,
        sourceIp: clientIpFrom(req.header('x-forwarded-for'), req.socket?.remoteAddress),
      });
      send(res, reply);
    } catch (e) {
      // Only reachable before the pipeline ran (deps failed to build): nothing was sent to the broker.
      send(res, errorReply(e, 'none'));
    } finally {
      release();
    }
  };
