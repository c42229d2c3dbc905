import { ForbiddenSourceError, TooManyRequestsError } from '../../shared/errors';

/**
 * The door of the public webhook: an optional allow-list of source IPs (TradingView publishes its four),
 * and a per-source penalty box for callers that keep presenting bad tokens (someone guessing the secret).
 * The box only ever answers bad tokens: every TradingView user's alerts leave from the same few
 * addresses, so a box that refused correct tokens would let a stranger's wrong-token alerts silence the
 * owner's real ones. Per instance; the secret's length (128 bits with the real broker) is what defeats
 * guessing, the box only keeps a guesser's answers short.
 */
export interface SourceGuard {
  /** Throws ForbiddenSourceError when the caller is not on the allow-list. Never refuses by penalty. */
  admit(ip: string, nowMs: number): void;
  /** Counts a bad token; throws TooManyRequestsError when the source is (now) in the penalty box. */
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
    admit(ip) {
      if (allowed.size > 0 && !allowed.has(ip)) throw new ForbiddenSourceError('This source is not allowed to send alerts');
    },
    recordBadToken(ip, nowMs) {
      // An allow-listed source is TradingView itself: its standing is not ours to spoil.
      if (allowed.has(ip)) return;
      const s = strikes.get(ip) ?? { times: [], blockedUntil: 0 };
      const boxed = s.blockedUntil > nowMs;
      if (!boxed) {
        s.times = s.times.filter((t) => nowMs - t < windowMs);
        s.times.push(nowMs);
        if (s.times.length >= maxBad) {
          s.blockedUntil = nowMs + blockMs;
          s.times = [];
        }
      }
      strikes.delete(ip);
      strikes.set(ip, s);
      if (strikes.size > maxTracked) strikes.delete(strikes.keys().next().value as string);
      if (boxed) throw new TooManyRequestsError('Too many bad tokens from this source; try again later', { retryAfterMs: s.blockedUntil - nowMs });
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
