import type { HttpFunction } from '@google-cloud/functions-framework';
import { getDeps } from '../composition';
import { send } from '../http-adapter';
import { errorReply } from '../http-response';
import { handleRefreshSymbolMaster } from './refresh-symbol-master.handler';

/** Cloud Scheduler target: before the open and after midnight IST. */
export const refreshSymbolMaster: HttpFunction = async (_req, res) => {
  try {
    send(res, await handleRefreshSymbolMaster((await getDeps()).symbolMaster));
  } catch (e) {
    send(res, errorReply(e, 'none'));
  }
};
