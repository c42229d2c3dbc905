import type { Broker } from '../../shared/broker/broker.port';
import type { Notifier } from '../../shared/notify/notifier.port';
import type { Clock } from '../../shared/platform/clock';
import { randomToken } from '../../shared/platform/ids';
import { formatIst, istInstant, istParts } from '../../shared/platform/ist';
import type { Logger } from '../../shared/platform/logger';
import type { SecretSource } from '../../shared/secrets/secrets.port';
import type { LeaseStore } from '../../shared/store/lease.port';
import type { AccessTokens } from '../../shared/tokens/access-token-provider';
import type { BrokerLogin } from '../../shared/tokens/broker-login.port';
import type { TokenStore } from '../../shared/tokens/token.port';
import type { HttpReply } from '../http-response';

export interface TokenKeeperDeps {
  clock: Clock;
  logger: Logger;
  login?: BrokerLogin;
  tokens: TokenStore;
  accessTokens: AccessTokens;
  broker: Broker;
  leases: LeaseStore;
  secrets: SecretSource;
  notifier: Notifier;
  instanceId: string;
  /** The page the operator opens to log in (PUBLIC_BASE_URL/authUrl). */
  loginUrl?: string;
}

/** The session must last past today's close, or the next session's close when run after hours. */
function mustLastUntil(nowMs: number): number {
  const today = istParts(nowMs).date;
  const close = istInstant(today, 15, 30);
  return nowMs < close ? close : close + 86_400_000;
}

/**
 * Cloud Scheduler calls this before the open (and during the day, which also keeps the session warm
 * with a cheap profile call). A session that will not last the day is refreshed where Fyers still
 * allows it; otherwise the operator is told, with the login link and when the session ends.
 * Single-flight through a lease: two keepers must not both spend one refresh token.
 */
export async function handleTokenKeeper(deps: TokenKeeperDeps): Promise<HttpReply> {
  if (!deps.login) return { status: 200, body: { status: 'ok', session: 'paper broker; no login needed' } };
  const now = deps.clock();
  // Unique per run: two runs on one instance in the same millisecond must not both hold the lease.
  const owner = `${deps.instanceId}:${now}:${randomToken(6)}`;
  if (!(await deps.leases.tryAcquire('token-keeper', owner, 60_000, now))) {
    return { status: 200, body: { status: 'skipped', reason: 'another keeper is running' } };
  }
  try {
    const stored = await deps.tokens.current();
    const needUntil = mustLastUntil(now);
    if (stored && stored.expiresAt > needUntil) {
      const s = await deps.broker.checkSession();
      if (s.valid) return { status: 200, body: { status: 'ok', session: 'valid', expiresAt: new Date(stored.expiresAt).toISOString() } };
    }
    if (deps.login && stored?.refreshToken) {
      const pin = await deps.secrets.get('fyers-pin');
      if (pin) {
        const r = await deps.login.refreshWithPin(stored.refreshToken, pin).catch((e: unknown) => {
          deps.logger.warn('token refresh call failed', { error: e });
          return { kind: 'refused' as const, reason: 'the refresh call failed' };
        });
        if (r.kind === 'refreshed') {
          await deps.tokens.save({ ...r.token, refreshToken: r.token.refreshToken ?? stored.refreshToken, obtainedAt: now, source: 'refresh' });
          deps.accessTokens.invalidate();
          deps.logger.info('session refreshed', { expiresAt: new Date(r.token.expiresAt).toISOString() });
          return { status: 200, body: { status: 'refreshed', expiresAt: new Date(r.token.expiresAt).toISOString() } };
        }
        deps.logger.info('refresh refused by Fyers; a login is needed', { reason: r.reason });
      }
    }
    const ends = stored && stored.expiresAt > now ? `ends ${formatIst(stored.expiresAt)}` : 'has ended';
    await deps.notifier.notify({
      kind: stored && stored.expiresAt > now ? 'session.expiring' : 'session.expired',
      severity: 'critical',
      summary: `Fyers login needed: the session ${ends}. Log in${deps.loginUrl ? ` at ${deps.loginUrl}` : ' via the authUrl function'} before 09:15 IST.`,
      at: now,
      details: { loginUrl: deps.loginUrl, expiresAt: stored?.expiresAt },
    });
    return { status: 200, body: { status: 'login_needed', session: ends, loginUrl: deps.loginUrl } };
  } finally {
    await deps.leases.release('token-keeper', owner).catch(() => undefined);
  }
}
