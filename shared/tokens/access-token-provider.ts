import type { Clock } from '../platform/clock';
import { ttlCache } from '../platform/ttl-cache';
import type { StoredToken, TokenStore } from './token.port';

export interface AccessTokens {
  /** The live access token, or undefined when there is none or it has expired. */
  accessToken(): Promise<string | undefined>;
  /** The stored session as last read (login flow wins over the env token). */
  session(): Promise<StoredToken | undefined>;
  /** Forget the cached read, e.g. right after a login on this instance. */
  invalidate(): void;
}

/**
 * Reads the token through a short cache so every alert does not cost a store read, yet a fresh login
 * reaches every instance within `cacheMs`. A token from the login flow takes precedence over
 * FYERS_ACCESS_TOKEN, which only exists to try the product before the flow is set up.
 */
export function createAccessTokens(opts: { store: TokenStore; envToken?: string; clock: Clock; cacheMs: number }): AccessTokens {
  const envSession: StoredToken | undefined = opts.envToken
    ? { accessToken: opts.envToken, expiresAt: Number.MAX_SAFE_INTEGER, obtainedAt: 0, source: 'env' }
    : undefined;
  const read = ttlCache(async () => (await opts.store.current()) ?? envSession, opts.cacheMs, opts.clock);
  return {
    session: read,
    async accessToken() {
      const s = await read();
      return s && s.expiresAt > opts.clock() ? s.accessToken : undefined;
    },
    invalidate: () => read.invalidate(),
  };
}
