import type { HttpFunction } from '@google-cloud/functions-framework';
import { readBody, send } from '../http-adapter';
import { errorReply } from '../http-response';
import { clientIpFrom } from './source-guard';
import { handleWebhook, type WebhookDeps } from './webhook.handler';

/** TradingView's entry point. Everything interesting happens in handleWebhook. */
export const webhookFunction =
  (deps: () => Promise<WebhookDeps>): HttpFunction =>
  async (req, res) => {
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
    }
  };
