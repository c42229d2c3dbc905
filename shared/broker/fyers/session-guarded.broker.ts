import { SessionExpiredError } from '../../errors';
import type { Notifier } from '../../notify/notifier.port';
import type { Clock } from '../../platform/clock';
import type { AccessTokens } from '../../tokens/access-token-provider';
import type { Broker, BrokerSession } from '../broker.port';

export interface SessionGuardOptions {
  tokens: AccessTokens;
  notifier: Notifier;
  clock: Clock;
  /** Where the operator logs in again, for the notification. */
  loginUrl?: string;
}

/**
 * Wraps the real broker so a dead session costs nothing: with no token, an expired one, or one Fyers
 * already called dead, calls fail at once with SessionExpiredError (503: certainly nothing sent) and
 * Fyers is not asked again until a new token appears. The operator is told once per dead token.
 */
export function guardSession(inner: Broker, opts: SessionGuardOptions): Broker {
  let deadToken: string | undefined;
  let notifiedFor: string | undefined;

  const notifyOnce = async (token: string, reason: string) => {
    if (notifiedFor === token) return;
    notifiedFor = token;
    await opts.notifier.notify({
      kind: 'session.expired',
      severity: 'critical',
      summary: `Fyers session has ended (${reason}); alerts are refused until you log in again${opts.loginUrl ? `: ${opts.loginUrl}` : ''}`,
      at: opts.clock(),
      details: { loginUrl: opts.loginUrl },
    });
  };

  const live = async (): Promise<string> => {
    const token = await opts.tokens.accessToken();
    if (!token) {
      const session = await opts.tokens.session();
      const reason = session ? 'the session expired' : 'no login yet';
      await notifyOnce(session?.accessToken ?? '(none)', reason);
      throw new SessionExpiredError(`The Fyers session has ended (${reason}); nothing was sent. Log in again to resume trading.`);
    }
    if (token === deadToken) throw new SessionExpiredError('The Fyers session has ended; nothing was sent. Log in again to resume trading.');
    return token;
  };

  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    const token = await live();
    try {
      return await fn();
    } catch (e) {
      if (e instanceof SessionExpiredError) {
        deadToken = token;
        await notifyOnce(token, 'Fyers refused the token');
      }
      throw e;
    }
  };

  return {
    name: inner.name,
    quoteBatchLimit: inner.quoteBatchLimit,
    assertAvailable: () => inner.assertAvailable?.(),
    // The token read the next call starts with; a failure here is the call's to report, not this one's.
    prepare: () => void opts.tokens.accessToken().catch(() => undefined),
    getQuotes: (t) => call(() => inner.getQuotes(t)),
    getPositions: () => call(() => inner.getPositions()),
    placeOrder: (o, opts) => call(() => inner.placeOrder(o, opts)),
    placeBasket: (orders, opts) => call(() => inner.placeBasket(orders, opts)),
    modifyOrder: (id, change) => call(() => inner.modifyOrder(id, change)),
    cancelOrder: (id) => call(() => inner.cancelOrder(id)),
    getFunds: () => call(() => inner.getFunds()),
    findOrders: (q) => call(() => inner.findOrders(q)),
    tradebook: () => call(() => inner.tradebook()),
    async checkSession(): Promise<BrokerSession> {
      const session = await opts.tokens.session();
      const token = await opts.tokens.accessToken();
      if (!token) return { valid: false, expiresAt: session?.expiresAt, reason: session ? 'session expired; log in again' : 'no login yet' };
      if (token === deadToken) return { valid: false, expiresAt: session?.expiresAt, reason: 'Fyers refused the token; log in again' };
      const s = await inner.checkSession();
      return { ...s, expiresAt: s.expiresAt ?? (session && session.source !== 'env' ? session.expiresAt : undefined) };
    },
  };
}
