import type { HttpFunction } from '@google-cloud/functions-framework';
import { send } from '../http-adapter';
import { errorReply } from '../http-response';
import { handleSquareOff, type SquareOffDeps } from './square-off.handler';

/** Cloud Scheduler target (OIDC-authenticated by IAM in front of the function). A 500 makes the scheduler retry. */
export const squareOffFunction =
  (deps: () => Promise<SquareOffDeps>): HttpFunction =>
  async (_req, res) => {
    try {
      send(res, await handleSquareOff(await deps()));
    } catch (e) {
      send(res, errorReply(e, 'none'));
    }
  };
