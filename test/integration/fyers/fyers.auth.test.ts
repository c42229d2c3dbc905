import { createFyersAuth, fallbackExpiry } from '../../../shared/broker/fyers/fyers.auth';
import { createFyersApi } from '../../../shared/broker/fyers/fyers.api';
import { BrokerAuthRefusedError, BrokerUnavailableError } from '../../../shared/errors';
import { istInstant } from '../../../shared/platform/ist';
import { jwtExpiryMs } from '../../../shared/tokens/jwt-expiry';
import { startFakeFyers, type FakeFyers, type FakeFyersOptions } from '../../fake-fyers';
import { capturingLogger, dump } from './fyers-test-kit';

let fake: FakeFyers;
afterEach(() => fake.close());

const authFor = (f: FakeFyers, over: { secret?: string; clock?: () => number } = {}) =>
  createFyersAuth({
    apiUrl: f.apiUrl, appId: f.state.appId, appSecret: async () => over.secret ?? f.state.appSecret,
    redirectUrl: f.state.redirectUri, timeoutMs: 1000, ...(over.clock ? { clock: over.clock } : {}),
  });

/** Follows the login URL the way a browser would after the user logs in, and returns the redirect's query. */
async function login(f: FakeFyers, url: string): Promise<URLSearchParams> {
  const res = await fetch(url, { redirect: 'manual' });
  if (res.status === 302) return new URL(res.headers.get('location') ?? '').searchParams;
  const href = /href="([^"]+)"/.exec(await res.text())?.[1]?.replace(/&amp;/g, '&');
  return new URL(href ?? '').searchParams;
}

const start = async (o: FakeFyersOptions = {}) => { fake = await startFakeFyers(o); return fake; };

describe('login with an auth code', () => {
  it.each(['redirect', 'html'] as const)('exchanges the code from the %s for a working token whose expiry is the JWT exp', async (authCodeMode) => {
    const f = await start({ authCodeMode });
    const auth = authFor(f);
    const back = await login(f, auth.authCodeUrl('st4te-xyz'));
    expect(back.get('state')).toBe('st4te-xyz');

    const tokens = await auth.exchangeAuthCode(back.get('auth_code') ?? '');
    expect(tokens.refreshToken).toEqual(expect.any(String));
    expect(tokens.expiresAt).toBe(jwtExpiryMs(tokens.accessToken));
    // The fake's default expiry is the next 06:00 IST, like the 2020 sample.
    expect(tokens.expiresAt).toBe(fallbackExpiry(Date.now()));

    const logger = capturingLogger();
    const broker = createFyersApi({ apiUrl: f.apiUrl, dataUrl: f.dataUrl, appId: f.state.appId, accessToken: async () => tokens.accessToken, logger });
    expect(await broker.checkSession()).toEqual({ valid: true, expiresAt: tokens.expiresAt });
    expect(dump(logger.entries)).not.toContain(tokens.accessToken);
  });

  it('URL-encodes the redirect URL and sends the lowercase sha256 appIdHash', async () => {
    const f = await start({ redirectUri: 'http://127.0.0.1/cb?x=1&y=2' });
    const url = new URL(authFor(f).authCodeUrl('s'));
    expect(url.href).toContain('redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb%3Fx%3D1%26y%3D2');
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: f.state.appId, redirect_uri: 'http://127.0.0.1/cb?x=1&y=2', response_type: 'code', state: 's' });
  });

  it('uses the next 06:00 IST as expiry when the token has no exp', async () => {
    const now = istInstant('2026-07-21', 8, 30);
    const f = await start({ accessTokenExp: () => undefined });
    const auth = authFor(f, { clock: () => now });
    const tokens = await auth.exchangeAuthCode((await login(f, auth.authCodeUrl('s'))).get('auth_code') ?? '');
    expect(jwtExpiryMs(tokens.accessToken)).toBeUndefined();
    expect(tokens.expiresAt).toBe(istInstant('2026-07-22', 6, 0));
  });

  it('throws BrokerAuthRefusedError with Fyers code for a wrong secret, a reused code and a bad code', async () => {
    const f = await start();
    const good = authFor(f);
    const code = (await login(f, good.authCodeUrl('s'))).get('auth_code') ?? '';
    const wrong = await authFor(f, { secret: 'not-the-secret' }).exchangeAuthCode(code).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(BrokerAuthRefusedError);
    expect(wrong).toMatchObject({ details: { brokerCode: -371 } });
    expect(dump(wrong)).not.toContain('not-the-secret');
    await good.exchangeAuthCode(code);
    await expect(good.exchangeAuthCode(code)).rejects.toMatchObject({ details: { brokerCode: -437 } });
    await expect(good.exchangeAuthCode('')).rejects.toMatchObject({ details: { brokerCode: -374 } });
  });

  it('throws BrokerUnavailableError when Fyers fails (5xx) or cannot be reached', async () => {
    const f = await start();
    f.inject('validate-authcode', { kind: 'status', status: 502 }, 1);
    await expect(authFor(f).exchangeAuthCode('x')).rejects.toBeInstanceOf(BrokerUnavailableError);
    const closedUrl = f.apiUrl;
    await f.close();
    fake = await startFakeFyers();
    const auth = createFyersAuth({ apiUrl: closedUrl, appId: 'A-100', appSecret: async () => 's', redirectUrl: 'http://x/cb' });
    await expect(auth.exchangeAuthCode('x')).rejects.toBeInstanceOf(BrokerUnavailableError);
  });
});

describe('refresh with PIN (discontinued by Fyers in April 2026)', () => {
  const refreshToken = async (f: FakeFyers) => {
    const auth = authFor(f);
    return (await auth.exchangeAuthCode((await login(f, auth.authCodeUrl('s'))).get('auth_code') ?? '')).refreshToken ?? '';
  };

  it('returns a typed refusal when the flow is discontinued, whichever way Fyers says it', async () => {
    for (const refreshMode of ['discontinued', 'gone'] as const) {
      const f = await start({ refreshMode });
      const outcome = await authFor(f).refreshWithPin(await refreshToken(f), f.state.pin);
      expect(outcome).toMatchObject({ kind: 'refused', refusal: 'discontinued', reason: expect.stringMatching(/^discontinued: ./) });
      await f.close();
    }
    fake = await startFakeFyers();
  });

  it('returns a new working token where the flow still works, and refusals for a bad token or PIN', async () => {
    const f = await start({ refreshMode: 'accept' });
    const auth = authFor(f);
    const rt = await refreshToken(f);
    const ok = await auth.refreshWithPin(rt, f.state.pin);
    if (ok.kind !== 'refreshed') throw new Error(`expected a token, got ${ok.reason}`);
    expect(f.state.accessTokens.has(ok.token.accessToken)).toBe(true);
    expect(ok.token.expiresAt).toBe(jwtExpiryMs(ok.token.accessToken));
    expect(await auth.refreshWithPin('bogus', f.state.pin)).toEqual({ kind: 'refused', refusal: 'invalid-refresh-token', code: -501, reason: 'invalid-refresh-token: Please provide valid refresh token' });
    expect(await auth.refreshWithPin(rt, '0000')).toMatchObject({ kind: 'refused', refusal: 'refused' });
  });
});
