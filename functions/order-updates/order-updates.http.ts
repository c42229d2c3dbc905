import type { HttpFunction } from '@google-cloud/functions-framework';
import { getDeps } from '../composition';
import { rawBodyOf, send } from '../http-adapter';
import { handleOrderUpdate } from './order-updates.handler';

/** Fyers' postback URL. */
export const orderUpdates: HttpFunction = async (req, res) => {
  try {
    const deps = await getDeps();
    send(res, await handleOrderUpdate(deps.orderUpdates, { method: req.method, rawBody: rawBodyOf(req), headers: req.headers }));
  } catch {
    // Deps failed to build: nothing was recorded, and Fyers' retry may find a healthy instance.
    send(res, { status: 503, body: { status: 'error' } });
  }
};
