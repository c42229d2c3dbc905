import type { HttpFunction } from '@google-cloud/functions-framework';
import { send } from '../http-adapter';
import { errorReply } from '../http-response';
import { handleReadyz, type ReadyzDeps } from './readyz.handler';

export const readyzFunction =
  (deps: () => Promise<ReadyzDeps>): HttpFunction =>
  async (_req, res) => {
    try {
      send(res, await handleReadyz(await deps()));
    } catch (e) {
      send(res, errorReply(e, 'none'));
    }
  };
