import type { HttpFunction } from '@google-cloud/functions-framework';
import { getDeps } from '../composition';
import { send } from '../http-adapter';
import { errorReply } from '../http-response';
import { handleSquareOff } from './square-off.handler';

/** Cloud Scheduler target (OIDC-authenticated by IAM in front of the function). A 500 makes the scheduler retry. */
export const squareOff: HttpFunction = async (_req, res) => {
  try {
    send(res, await handleSquareOff((await getDeps()).squareOff));
  } catch (e) {
    send(res, errorReply(e, 'none'));
  }
};
