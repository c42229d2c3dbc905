import { createHmac, timingSafeEqual } from 'node:crypto';
import { randomToken } from '../../shared/platform/ids';

/**
 * The console's session: a cookie the server can verify without a store, so any instance accepts it.
 * It holds an expiry and a random id, signed with a key derived from the operator key: rotating the
 * `controls-key` secret ends every session. The CSRF token is derived from the same id, so it is bound
 * to this session and a form from another session (or another site) cannot be replayed.
 */
export const SESSION_COOKIE = '__Host-console-session';

export interface ConsoleSession {
  id: string;
  expiresAt: number;
}

const mac = (operatorKey: string, purpose: string, data: string) => createHmac('sha256', operatorKey).update(`tv-fyers-bridge console ${purpose}\n${data}`).digest('base64url');

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function issueSession(operatorKey: string, now: number, ttlMs: number): { session: ConsoleSession; cookieValue: string } {
  const session = { id: randomToken(18), expiresAt: now + ttlMs };
  const payload = `v1.${session.expiresAt}.${session.id}`;
  return { session, cookieValue: `${payload}.${mac(operatorKey, 'session', payload)}` };
}

/** The session a cookie value proves, or undefined when it is forged, malformed or expired. */
export function verifySession(operatorKey: string, cookieValue: string | undefined, now: number): ConsoleSession | undefined {
  const m = /^(v1\.(\d{13,16})\.([\w-]{16,64}))\.([\w-]{43})$/.exec(cookieValue ?? '');
  if (!m) return undefined;
  if (!same(m[4]!, mac(operatorKey, 'session', m[1]!))) return undefined;
  const expiresAt = Number(m[2]);
  return expiresAt > now ? { id: m[3]!, expiresAt } : undefined;
}

export const csrfTokenFor = (operatorKey: string, session: ConsoleSession) => mac(operatorKey, 'csrf', session.id);

export const csrfMatches = (operatorKey: string, session: ConsoleSession, presented: string | undefined) =>
  typeof presented === 'string' && same(presented, csrfTokenFor(operatorKey, session));

export function sessionCookie(value: string, maxAgeMs: number): string {
  return `${SESSION_COOKIE}=${value}; Max-Age=${Math.floor(maxAgeMs / 1000)}; Path=/; HttpOnly; Secure; SameSite=Strict`;
}

export const clearedSessionCookie = () => `${SESSION_COOKIE}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Strict`;

export function cookieFrom(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}
