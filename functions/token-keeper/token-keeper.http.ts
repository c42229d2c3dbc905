import type { HttpFunction } from '@google-cloud/functions-framework';
import { getDeps } from '../composition';
import { send } from '../http-adapter';
import { errorReply } from '../http-response';
import { handleTokenKeeper } from './token-keeper.handler';

/** Cloud Scheduler target (OIDC-authenticated by IAM in front of the function). */
export const refreshToken: HttpFunction = async (_req, res) => {
  try {
    send(res, await handleTokenKeeper((await getDeps()).tokenKeeper));
  } catch (e) {
    send(res, errorReply(e, 'none'));
  }
};
