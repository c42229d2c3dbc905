import type { HttpFunction } from '@google-cloud/functions-framework';
import { getDeps } from '../composition';
import { readBody, send } from '../http-adapter';
import { errorReply } from '../http-response';
import { clientIpFrom } from './source-guard';
import { handleWebhook } from './webhook.handler';

/** TradingView's entry point. Everything interesting happens in handleWebhook. */
export const webhook: HttpFunction = async (req, res) => {
  try {
    const deps = await getDeps();
    const reply = await handleWebhook(deps.webhook, {
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
