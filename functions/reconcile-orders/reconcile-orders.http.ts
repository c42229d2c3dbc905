import type { HttpFunction } from '@google-cloud/functions-framework';
import { getDeps } from '../composition';
import { send } from '../http-adapter';
import { errorReply } from '../http-response';
import { handleReconcile } from './reconcile-orders.handler';

/** Cloud Scheduler target, every minute during the session. */
export const reconcileOrders: HttpFunction = async (_req, res) => {
  try {
    send(res, await handleReconcile((await getDeps()).reconcile));
  } catch (e) {
    send(res, errorReply(e, 'none'));
  }
};
