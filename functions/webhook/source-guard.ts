import { ForbiddenSourceError, TooManyRequestsError } from '../../shared/errors';

/**
 * The door of the public webhook: an optional allow-list of source IPs (TradingView publishes its four),
 * and a per-source penalty box for callers that keep presenting bad tokens (someone guessing the secret).
 * The penalty box is per instance; it slows a guesser down, it is not a global quota.
 */
export interface SourceGuard {
  /** Throws ForbiddenSourceError or TooManyRequestsError when the caller must be turned away. */
  admit(ip: string, nowMs: number): void;
  recordBadToken(ip: string, nowMs: number): void;
}

export interface SourceGuardOptions {
  allowedIps: readonly string[];
  /** Bad tokens tolerated per source within the window before it is blocked. */
  maxBadTokens?: number;
  windowMs?: number;
  blockMs?: number;
  /** Bound on remembered sources so a spray of addresses cannot grow memory without limit. */
  maxTracked?: number;
}

export function createSourceGuard(opts: SourceGuardOptions): SourceGuard {
  const allowed = new Set(opts.allowedIps);
  const maxBad = opts.maxBadTokens ?? 10;
  const windowMs = opts.windowMs ?? 60_000;
  const blockMs = opts.blockMs ?? 5 * 60_000;
  const maxTracked = opts.maxTracked ?? 10_000;
  const strikes = new Map<string, { times: number[]; blockedUntil: number }>();

  return {
    admit(ip, nowMs) {
      if (allowed.size > 0 && !allowed.has(ip)) throw new ForbiddenSourceError('This source is not allowed to send alerts');
      const s = strikes.get(ip);
      if (s && s.blockedUntil > nowMs) {
        throw new TooManyRequestsError('Too many bad tokens from this source; try again later', { retryAfterMs: s.blockedUntil - nowMs });
      }
    },
    recordBadToken(ip, nowMs) {
      // An allow-listed source is TradingView itself, shared by every TradingView user: blocking it
      // because a stranger's alerts carry a wrong token would silently drop the trader's own alerts.
      if (allowed.has(ip)) return;
      const s = strikes.get(ip) ?? { times: [], blockedUntil: 0 };
      s.times = s.times.filter((t) => nowMs - t < windowMs);
      s.times.push(nowMs);
      if (s.times.length >= maxBad) {
        s.blockedUntil = nowMs + blockMs;
        s.times = [];
      }
      strikes.delete(ip);
      strikes.set(ip, s);
      if (strikes.size > maxTracked) strikes.delete(strikes.keys().next().value as string);
    },
  };
}

/**
 * The caller's IP behind Google's front end. The platform appends the address it saw to X-Forwarded-For,
 * so the rightmost entry is the one a client cannot forge; anything to its left is client-supplied.
 */
export function clientIpFrom(forwardedFor: string | undefined, socketIp: string | undefined): string {
  const hops = (forwardedFor ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const ip = hops.at(-1) ?? socketIp ?? '';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
