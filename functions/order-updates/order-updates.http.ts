import type { HttpFunction } from '@google-cloud/functions-framework';
import { readBody, send } from '../http-adapter';
import { handleOrderUpdate, IGNORED, type OrderUpdatesDeps } from './order-updates.handler';

/** Fyers' postback URL. Every answer is 200 (a non-200 gets the URL blacklisted by Fyers for 30 minutes). */
export const orderUpdatesFunction =
  (deps: () => Promise<OrderUpdatesDeps>): HttpFunction =>
  async (req, res) => {
    let built: OrderUpdatesDeps;
    try {
      built = await deps();
    } catch {
      // Deps failed to build: nothing was recorded, and the reconcile reads the orderbook on a healthy instance.
      send(res, IGNORED);
      return;
    }
    const rawBody = await readBody(req).catch(() => undefined);
    const reply = await handleOrderUpdate(built, { method: req.method, url: req.originalUrl ?? req.url, rawBody, headers: req.headers }).catch((e: unknown) => {
      // Whatever failed, the answer is the 200 every postback gets: a throw here would be the framework's 500.
      built.logger.error('postback could not be handled; answered 200, the reconcile will follow the order', { error: e });
      return IGNORED;
    });
    send(res, reply);
  };
