import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { BrokerAuthRefusedError, BrokerUnavailableError, BrokerRateLimitedError } from '../../errors';
import { systemClock, type Clock } from '../../platform/clock';
import { IST_OFFSET_MS } from '../../platform/ist';
import { registerSecret } from '../../platform/logger';
import { jwtExpiryMs } from '../../tokens/jwt-expiry';
import type { BrokerLogin, IssuedToken, RefreshOutcome, RefreshRefusal } from '../../tokens/broker-login.port';
import { codeOf, isRateLimited, messageOf, retryAfterMs } from './fyers.errors';
import { createFyersHttp, DEFAULT_FYERS_TIMEOUT_MS, FyersTransportError, type FyersReply } from './fyers.http';
import { TokenReplySchema } from './fyers.schemas';

export interface FyersAuthOptions {
  /** e.g. https://api-t1.fyers.in/api/v3 */
  apiUrl: string;
  appId: string;
  /** Read when needed, so the secret lives in memory only for the exchange. */
  appSecret: () => Promise<string>;
  /** Must equal the redirect URL registered on the Fyers app. */
  redirectUrl: string;
  timeoutMs?: number;
  clock?: Clock;
  fetch?: typeof fetch;
}

/** Tokens as the login port has them; `expiresAt` is the JWT `exp`, or when absent the next 06:00 IST (see `fallbackExpiry`). */
export type FyersTokens = IssuedToken;

/**
 * The Fyers login, answering in the port's one shape (BrokerLogin). `exchangeAuthCode` throws
 * BrokerAuthRefusedError or BrokerUnavailableError; `refreshWithPin` (discontinued by Fyers on
 * 1 April 2026 for most apps, so a refusal is the expected case) throws only when Fyers cannot be reached.
 */
export type FyersAuth = BrokerLogin;

const DAY_MS = 86_400_000;

/**
 * When a token carries no `exp`: the next 06:00 IST. A 2020 sample token expired at 06:00 IST the next
 * morning and a 2026 report says "about 22 h", which is what 06:00 gives for a login around 08:00.
 * Erring early only means an earlier re-login; erring late would mean trading on a dead session.
 */
export function fallbackExpiry(nowMs: number): number {
  const sixAm = Math.floor((nowMs + IST_OFFSET_MS) / DAY_MS) * DAY_MS + 6 * 3_600_000 - IST_OFFSET_MS;
  return sixAm > nowMs ? sixAm : sixAm + DAY_MS;
}

/** Lowercase hex sha256 of `appId:appSecret`, as validate-authcode and validate-refresh-token expect. */
export const appIdHash = (appId: string, secret: string): string => createHash('sha256').update(`${appId}:${secret}`).digest('hex');

/** The Fyers v3 login (OAuth-style auth code) client. No Authorization header on these calls. */
export function createFyersAuth(opts: FyersAuthOptions): FyersAuth {
  const clock = opts.clock ?? systemClock;
  const http = createFyersHttp({ baseUrl: opts.apiUrl, appId: opts.appId, timeoutMs: opts.timeoutMs ?? DEFAULT_FYERS_TIMEOUT_MS, fetch: opts.fetch });

  /** A reply that is Fyers' own answer; transport failures, 5xx and 429 throw, since they say nothing about the request. */
  const post = async (what: string, path: string, body: Record<string, unknown>): Promise<FyersReply> => {
    let reply: FyersReply;
    try {
      reply = await http.post(path, body);
    } catch (e) {
      if (e instanceof FyersTransportError) throw new BrokerUnavailableError(`Fyers ${what} failed: ${e.kind}`, { what, transport: e.kind }, { cause: e });
      throw e;
    }
    if (isRateLimited(reply)) throw new BrokerRateLimitedError(`Fyers rate limit reached (${what})`, retryAfterMs(reply.headers), { what });
    if (reply.httpStatus >= 500) throw new BrokerUnavailableError(`Fyers ${what} failed: HTTP ${reply.httpStatus}`, { what, httpStatus: reply.httpStatus });
    return reply;
  };
  const hash = async () => {
    const secret = await opts.appSecret();
    registerSecret(secret);
    return appIdHash(opts.appId, secret);
  };
  const expiryOf = (token: string) => jwtExpiryMs(token) ?? fallbackExpiry(clock());

  return {
    authCodeUrl(state) {
      const q = new URLSearchParams({ client_id: opts.appId, redirect_uri: opts.redirectUrl, response_type: 'code', state });
      return `${opts.apiUrl.replace(/\/+$/, '')}/generate-authcode?${q}`;
    },

    async exchangeAuthCode(code) {
      const reply = await post('validate-authcode', 'validate-authcode', { grant_type: 'authorization_code', appIdHash: await hash(), code });
      const parsed = reply.body?.s === 'ok' ? v.safeParse(TokenReplySchema, reply.body) : undefined;
      if (!parsed?.success) {
        const brokerCode = codeOf(reply.body) ?? reply.httpStatus;
        throw new BrokerAuthRefusedError(`Fyers refused the login: ${messageOf(reply.body) || `HTTP ${reply.httpStatus}`}`, { brokerCode });
      }
      const { access_token: accessToken, refresh_token: refreshToken } = parsed.output;
      registerSecret(accessToken);
      registerSecret(refreshToken);
      return { accessToken, ...(refreshToken ? { refreshToken } : {}), expiresAt: expiryOf(accessToken) };
    },

    async refreshWithPin(refreshToken, pin) {
      const reply = await post('validate-refresh-token', 'validate-refresh-token', {
        grant_type: 'refresh_token', appIdHash: await hash(), refresh_token: refreshToken, pin,
      });
      const parsed = reply.body?.s === 'ok' ? v.safeParse(TokenReplySchema, reply.body) : undefined;
      if (parsed?.success) {
        registerSecret(parsed.output.access_token);
        return { kind: 'refreshed', token: { accessToken: parsed.output.access_token, expiresAt: expiryOf(parsed.output.access_token) } };
      }
      const code = codeOf(reply.body);
      const message = messageOf(reply.body);
      const refused = (refusal: RefreshRefusal, text: string): RefreshOutcome => ({ kind: 'refused', refusal, reason: `${refusal}: ${text}`, ...(code !== undefined ? { code } : {}) });
      // What Fyers answers since the flow was withdrawn is undocumented: a vanished route or a message saying so.
      if (reply.httpStatus === 404 || reply.httpStatus === 410 || /discontinu|no longer|2fa login/i.test(message)) {
        return refused('discontinued', message || `HTTP ${reply.httpStatus}: the refresh flow is not available`);
      }
      if (code === -501) return refused('invalid-refresh-token', message);
      return refused('refused', message || `HTTP ${reply.httpStatus}`);
    },
  };
}
