import type { HttpFunction } from '@google-cloud/functions-framework';
import { send } from '../http-adapter';
import { errorReply } from '../http-response';
import { handleReconcile, type ReconcileDeps } from './reconcile-orders.handler';

/** Cloud Scheduler target, every minute during the session (OIDC-authenticated by IAM in front of the function). */
export const reconcileOrdersFunction =
  (deps: () => Promise<ReconcileDeps>): HttpFunction =>
  async (_req, res) => {
    try {
      send(res, await handleReconcile(await deps()));
    } catch (e) {
      send(res, errorReply(e, 'none'));
    }
  };
