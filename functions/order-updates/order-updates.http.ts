import type { HttpFunction } from '@google-cloud/functions-framework';
import { rawBodyOf, send } from '../http-adapter';
import { handleOrderUpdate, type OrderUpdatesDeps } from './order-updates.handler';

/** Fyers' postback URL. */
export const orderUpdatesFunction =
  (deps: () => Promise<OrderUpdatesDeps>): HttpFunction =>
  async (req, res) => {
    try {
      send(res, await handleOrderUpdate(await deps(), { method: req.method, rawBody: rawBodyOf(req), headers: req.headers }));
    } catch {
      // Deps failed to build: nothing was recorded, and Fyers' retry may find a healthy instance.
      send(res, { status: 503, body: { status: 'error' } });
    }
  };
