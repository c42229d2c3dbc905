import type { HttpFunction } from '@google-cloud/functions-framework';
import { getDeps } from '../composition';
import { send } from '../http-adapter';
import { errorReply } from '../http-response';
import { handleReadyz } from './readyz.handler';

export const readyz: HttpFunction = async (_req, res) => {
  try {
    send(res, await handleReadyz((await getDeps()).readyz));
  } catch (e) {
    send(res, errorReply(e, 'none'));
  }
};
