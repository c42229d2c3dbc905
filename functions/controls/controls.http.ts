import type { HttpFunction } from '@google-cloud/functions-framework';
import { readBody, send } from '../http-adapter';
import { errorReply } from '../http-response';
import { handleControls, type ControlsDeps } from './controls.handler';
import { requestSource } from '../operator-auth/request-source';

export const controlsFunction =
  (deps: () => Promise<ControlsDeps>): HttpFunction =>
  async (req, res) => {
    try {
      send(
        res,
        await handleControls(await deps(), {
          method: req.method,
          path: req.path,
          query: req.query as Record<string, string | undefined>,
          authorization: req.header('authorization'),
          source: requestSource(req),
          rawBody: await readBody(req),
        }),
      );
    } catch (e) {
      send(res, errorReply(e, 'none'));
    }
  };
