import type { HttpFunction } from '@google-cloud/functions-framework';
import { getDeps } from '../composition';
import { readBody, send } from '../http-adapter';
import { errorReply } from '../http-response';
import { handleControls } from './controls.handler';
import { requestSource } from '../operator-auth/request-source';

export const controls: HttpFunction = async (req, res) => {
  try {
    const deps = await getDeps();
    send(
      res,
      await handleControls(deps.controls, {
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
