import { presentedSecretMatches } from '../../shared/alert/authenticate-alert';
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
   * Resolves when `presented` is the operator key, whatever others have tried from `source`: strangers
   * guessing from the operator's own address (a shared NAT, a cross-site form in the operator's
   * browser) must not lock the operator out. A missing or wrong key throws TooManyRequestsError while
   * `source` is in the penalty box and UnauthorizedError otherwise; the box only shortens a guesser's
   * answers, and the key's 128 bits are what defeat guessing (as the webhook's box does).
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
      if (presented && (await presentedSecretMatches(deps.secrets, 'controls-key', presented))) {
        limiter.succeeded(source);
        return;
      }
      const now = deps.clock();
      // Locked: answered 429 without counting (the box does not grow while the guesser is in it).
      limiter.check(source, now);
      limiter.failed(source, now);
      deps.logger.warn('operator key refused', { source, configured: Boolean(await deps.secrets.get('controls-key')) });
      throw new UnauthorizedError(presented ? 'The operator key is not valid' : 'Send the operator key as "Authorization: Bearer <key>"');
    },
  };
}

/** The key from an `Authorization: Bearer <key>` header, if there is one. */
export function bearerKey(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim() || undefined;
}
