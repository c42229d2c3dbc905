import { TooManyRequestsError } from '../../shared/errors';

/**
 * Per-source limit on failed attempts at a secret, with exponential backoff: the first `freeFailures`
 * wrong guesses cost nothing, each one after that locks the source out for twice as long as the last
 * (from `baseLockMs` up to `maxLockMs`). While locked the secret is not even compared, so a guesser
 * gains nothing by continuing. A success forgets the source. Per process; memory is bounded.
 */
export interface AttemptLimiter {
  /** Throws TooManyRequestsError (with retryAfterMs) while `source` is locked out. */
  check(source: string, nowMs: number): void;
  failed(source: string, nowMs: number): void;
  succeeded(source: string): void;
}

export interface AttemptLimiterOptions {
  freeFailures?: number;
  baseLockMs?: number;
  maxLockMs?: number;
  /** A source with no failure for this long starts afresh. */
  forgetAfterMs?: number;
  maxTracked?: number;
}

interface SourceState {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number;
}

export function createAttemptLimiter(opts: AttemptLimiterOptions = {}): AttemptLimiter {
  const free = opts.freeFailures ?? 5;
  const base = opts.baseLockMs ?? 1_000;
  const max = opts.maxLockMs ?? 15 * 60_000;
  const forgetAfter = opts.forgetAfterMs ?? 30 * 60_000;
  const maxTracked = opts.maxTracked ?? 10_000;
  const sources = new Map<string, SourceState>();

  const current = (source: string, nowMs: number): SourceState | undefined => {
    const s = sources.get(source);
    if (s && nowMs - s.lastFailureAt > forgetAfter && s.lockedUntil <= nowMs) {
      sources.delete(source);
      return undefined;
    }
    return s;
  };

  return {
    check(source, nowMs) {
      const s = current(source, nowMs);
      if (s && s.lockedUntil > nowMs) {
        throw new TooManyRequestsError('Too many wrong keys from this source; wait before trying again', { retryAfterMs: s.lockedUntil - nowMs });
      }
    },
    failed(source, nowMs) {
      const s = current(source, nowMs) ?? { failures: 0, lastFailureAt: nowMs, lockedUntil: 0 };
      s.failures += 1;
      s.lastFailureAt = nowMs;
      if (s.failures > free) s.lockedUntil = nowMs + Math.min(max, base * 2 ** Math.min(30, s.failures - free - 1));
      // Re-insert so the map's order is least-recently-failed first; the oldest is evicted past the bound.
      sources.delete(source);
      sources.set(source, s);
      if (sources.size > maxTracked) sources.delete(sources.keys().next().value as string);
    },
    succeeded(source) {
      sources.delete(source);
    },
  };
}
