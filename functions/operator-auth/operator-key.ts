import { tokenMatches } from '../../shared/alert/authenticate-alert';
import { UnauthorizedError } from '../../shared/errors';
import type { Clock } from '../../shared/platform/clock';
import type { Logger } from '../../shared/platform/logger';
import type { SecretSource } from '../../shared/secrets/secrets.port';
import { createAttemptLimiter, type AttemptLimiter } from './attempt-limiter';

/**
 * Every check of the operator key (the controls-key secret) goes through one gate per process, so the
 * controls API, the login form and the local operator endpoints share one per-source attempt budget.
 */
export interface OperatorKeyGate {
  /**
   * Resolves when `presented` is the operator key. Throws TooManyRequestsError while `source` is locked
   * out (the key is then not compared at all) and UnauthorizedError for a missing or wrong key.
   */
  verify(presented: string | undefined, source: string): Promise<void>;
}

export interface OperatorKeyGateDeps {
  secrets: SecretSource;
  clock: Clock;
  logger: Logger;
  limiter?: AttemptLimiter;
}

export function createOperatorKeyGate(deps: OperatorKeyGateDeps): OperatorKeyGate {
  const limiter = deps.limiter ?? createAttemptLimiter();
  return {
    async verify(presented, source) {
      limiter.check(source, deps.clock());
      const key = await deps.secrets.get('controls-key');
      if (!presented || !tokenMatches(presented, key)) {
        limiter.failed(source, deps.clock());
        deps.logger.warn('operator key refused', { source, configured: Boolean(key) });
        throw new UnauthorizedError(presented ? 'The operator key is not valid' : 'Send the operator key as "Authorization: Bearer <key>"');
      }
      limiter.succeeded(source);
    },
  };
}

/** The key from an `Authorization: Bearer <key>` header, if there is one. */
export function bearerKey(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim() || undefined;
}
