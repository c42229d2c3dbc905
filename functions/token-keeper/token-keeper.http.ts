import type { HttpFunction } from '@google-cloud/functions-framework';
import { send } from '../http-adapter';
import { errorReply } from '../http-response';
import { handleTokenKeeper, type TokenKeeperDeps } from './token-keeper.handler';

/** Cloud Scheduler target (OIDC-authenticated by IAM in front of the function). */
export const refreshTokenFunction =
  (deps: () => Promise<TokenKeeperDeps>): HttpFunction =>
  async (_req, res) => {
    try {
      send(res, await handleTokenKeeper(await deps()));
    } catch (e) {
      send(res, errorReply(e, 'none'));
    }
  };
