import type { HttpFunction } from '@google-cloud/functions-framework';
import { send } from '../http-adapter';
import { errorReply } from '../http-response';
import { handleRefreshSymbolMaster, type RefreshSymbolMasterDeps } from './refresh-symbol-master.handler';

/** Cloud Scheduler target: before the open and after midnight IST. */
export const refreshSymbolMasterFunction =
  (deps: () => Promise<RefreshSymbolMasterDeps>): HttpFunction =>
  async (_req, res) => {
    try {
      send(res, await handleRefreshSymbolMaster(await deps()));
    } catch (e) {
      send(res, errorReply(e, 'none'));
    }
  };
