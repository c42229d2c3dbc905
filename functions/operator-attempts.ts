import { tokenMatches } from '../shared/alert/authenticate-alert';
import { TooManyRequestsError, UnauthorizedError } from '../shared/errors';
import type { Clock } from '../shared/platform/clock';
import type { Logger } from '../shared/platform/logger';
import type { SecretSource } from '../shared/secrets/secrets.port';

/**
 * Limits guesses of the operator key per source address: a few free attempts, then a lock that doubles
 * with every further failure (1 min, 2 min, 4 min … up to an hour). A success clears the source.
 * Per instance and in memory: with N instances a guesser gets N times the attempts, still hopeless
 * against a random key, and the operator is never locked out by someone else's address.
 */
export interface AttemptLimiter {
  /** Whether `source` may try now; when not, how long until it may. */
  check(source: string): { allowed: true } | { allowed: false; retryAfterMs: number };
  failed(source: string): void;
  succeeded(source: string): void;
}

export interface AttemptLimiterOptions {
  clock: Clock;
  freeAttempts?: number;
  baseLockMs?: number;
  maxLockMs?: number;
  /** Bounds memory under a spray of addresses; the oldest sources are forgotten first. */
  maxSources?: number;
}

export function createAttemptLimiter(o: AttemptLimiterOptions): AttemptLimiter {
  const free = o.freeAttempts ?? 5;
  const base = o.baseLockMs ?? 60_000;
  const max = o.maxLockMs ?? 3_600_000;
  const maxSources = o.maxSources ?? 10_000;
  const sources = new Map<string, { failures: number; lockedUntil: number; lastAt: number }>();

  return {
    check(source) {
      const s = sources.get(source);
      const now = o.clock();
      if (!s || s.lockedUntil <= now) return { allowed: true };
      return { allowed: false, retryAfterMs: s.lockedUntil - now };
    },
    failed(source) {
      const now = o.clock();
      const s = sources.get(source) ?? { failures: 0, lockedUntil: 0, lastAt: now };
      // A source quiet for longer than the longest lock starts afresh.
      if (now - s.lastAt > max) s.failures = 0;
      s.failures += 1;
      s.lastAt = now;
      if (s.failures >= free) s.lockedUntil = now + Math.min(max, base * 2 ** (s.failures - free));
      sources.delete(source);
      sources.set(source, s);
      while (sources.size > maxSources) sources.delete(sources.keys().next().value!);
    },
    succeeded(source) {
      sources.delete(source);
    },
  };
}

/**
 * Every check of the operator key goes through one gate per process, so the console and the login page
 * share one per-source attempt budget. Throws TooManyRequestsError (with retryAfterMs) while the source
 * is locked out, without comparing the key, and UnauthorizedError for a missing or wrong key.
 */
export interface OperatorKeyGate {
  verify(presented: string | undefined, source: string): Promise<void>;
}

export function createOperatorKeyGate(deps: { secrets: SecretSource; logger: Logger; limiter: AttemptLimiter }): OperatorKeyGate {
  return {
    async verify(presented, source) {
      const gate = deps.limiter.check(source);
      if (!gate.allowed) throw new TooManyRequestsError('Too many wrong keys from this source; wait before trying again', { retryAfterMs: gate.retryAfterMs });
      const key = await deps.secrets.get('controls-key');
      if (!presented || !tokenMatches(presented, key)) {
        deps.limiter.failed(source);
        deps.logger.warn('operator key refused', { configured: Boolean(key) });
        throw new UnauthorizedError('The operator key is not valid');
      }
      deps.limiter.succeeded(source);
    },
  };
}
