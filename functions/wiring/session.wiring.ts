import type { AuthDeps } from '../auth/auth.handler';
import type { TokenKeeperDeps } from '../token-keeper/token-keeper.handler';
import { readinessWindow } from './pages.wiring';
import type { WiringContext } from './wiring-context';

/** The broker session: the daily login round trip and the keeper that refreshes it. */
export function brokerSession(w: WiringContext): { auth: AuthDeps; tokenKeeper: TokenKeeperDeps } {
  const { config, adapters, clock, logger } = w;
  return {
    auth: {
      clock,
      logger,
      operatorKey: w.operatorKey,
      login: adapters.login,
      states: adapters.oauthStates,
      tokens: adapters.tokens,
      accessTokens: adapters.accessTokens,
      broker: adapters.broker,
      controls: adapters.controls,
      stateTtlMs: 10 * 60_000,
      session: { window: readinessWindow(w), enforce: config.risk.enforceTradingWindow },
    },
    tokenKeeper: {
      clock,
      logger,
      login: adapters.login,
      tokens: adapters.tokens,
      accessTokens: adapters.accessTokens,
      broker: adapters.broker,
      leases: adapters.leases,
      secrets: adapters.secrets,
      notifier: adapters.notifier,
      instanceId: w.instanceId,
      loginUrl: config.loginUrl,
    },
  };
}
