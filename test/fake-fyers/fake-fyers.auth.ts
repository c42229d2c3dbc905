import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { fakeJwt } from './fake-jwt';
import { fyersError, json, type Reply } from './http-io';
import type { FakeState, TokenDeath } from './fake-fyers.state';

export interface AuthOptions {
  /** 'redirect' (302 to redirect_uri) or 'html' (a page with the link, as a browser flow might end). */
  authCodeMode: 'redirect' | 'html';
  /**
   * validate-refresh-token: 'accept' (the documented pre-April-2026 flow), 'discontinued' (a Fyers error body
   * saying so) or 'gone' (404, empty). What Fyers really answers now is not documented.
   */
  refreshMode: 'accept' | 'discontinued' | 'gone';
  /** The access token's `exp` (epoch seconds) for a token issued at nowMs; undefined leaves `exp` out. */
  accessTokenExp: (nowMs: number) => number | undefined;
  clock: () => number;
}

export const appIdHash = (appId: string, secret: string) => createHash('sha256').update(`${appId}:${secret}`).digest('hex');

/** The next 06:00 IST after `nowMs`, in epoch seconds (a 2020 sample token expired then; UNCONFIRMED rule). */
export function nextSixAmIst(nowMs: number): number {
  const ist = 330 * 60_000;
  const day = 86_400_000;
  const sixAm = Math.floor((nowMs + ist) / day) * day + 6 * 3_600_000 - ist;
  return Math.floor((sixAm > nowMs ? sixAm : sixAm + day) / 1000);
}

/** Issues an access token the fake will accept, shaped like Fyers' JWT. */
export function issueAccessToken(state: FakeState, opts: AuthOptions, exp = opts.accessTokenExp(opts.clock())): string {
  const iat = Math.floor(opts.clock() / 1000);
  const token = fakeJwt({
    iss: 'api.fyers.in', iat, ...(exp === undefined ? {} : { exp }), nbf: iat,
    aud: ['x:0', 'x:1', 'd:1', 'd:2'], sub: 'access_token', at_hash: randomBytes(8).toString('hex'),
    display_name: 'TESTER', fy_id: 'FX0011', appType: 100, poa_flag: 'N',
  });
  state.accessTokens.add(token);
  return token;
}

const DEATH_MESSAGES: Record<NonNullable<TokenDeath['code']>, string> = {
  [-8]: 'Your token has expired',
  [-15]: 'Please provide valid token',
  [-16]: 'Could not authenticate the user',
  [-17]: 'Token is Invalid or Expired',
};

/**
 * The `Authorization: <appId>:<token>` check. Bad tokens get the bodies captured from the live API
 * (-16 on /api/v3, -15 on /data, whose keys come in a different order); the HTTP status is not documented,
 * so it is 401 unless a token death was injected with another.
 */
export function checkAuth(state: FakeState, req: IncomingMessage, family: 'api' | 'data'): Reply | undefined {
  const header = req.headers.authorization ?? '';
  const prefix = `${state.appId}:`;
  const token = header.startsWith(prefix) ? header.slice(prefix.length) : undefined;
  if (!state.tokenDeath && token !== undefined && state.accessTokens.has(token)) return undefined;
  const code = state.tokenDeath?.code ?? (family === 'data' ? -15 : -16);
  const status = state.tokenDeath?.httpStatus ?? 401;
  const message = DEATH_MESSAGES[code];
  return family === 'data' ? json(status, { message, code, s: 'error' }) : json(status, { code, message, s: 'error' });
}

/** GET /api/v3/generate-authcode: the login step, reduced to "the user logged in and consented". */
export function generateAuthCode(state: FakeState, opts: AuthOptions, query: URLSearchParams): Reply {
  if (query.get('client_id') !== state.appId) return fyersError(400, -352, 'Invalid App ID');
  if (query.get('redirect_uri') !== state.redirectUri) return fyersError(400, -352, 'Redirect URI does not match the app');
  if (query.get('response_type') !== 'code') return fyersError(400, -50, 'Invalid response_type');
  const iat = Math.floor(opts.clock() / 1000);
  // Two sample auth codes had exp - iat = 30000 s.
  const code = fakeJwt({ iss: 'api.login.fyers.in', iat, exp: iat + 30_000, sub: 'auth_code', app_id: state.appId.split('-')[0] });
  state.authCodes.add(code);
  const target = new URL(state.redirectUri);
  target.searchParams.set('s', 'ok');
  target.searchParams.set('code', '200');
  target.searchParams.set('auth_code', code);
  target.searchParams.set('state', query.get('state') ?? '');
  if (opts.authCodeMode === 'redirect') return { status: 302, headers: { location: target.href } };
  return { status: 200, body: `<!doctype html><html><body><a id="continue" href="${target.href.replace(/&/g, '&amp;')}">Continue</a></body></html>` };
}

/** POST /api/v3/validate-authcode: checks appIdHash and the one-time auth code; returns both tokens. */
export function validateAuthCode(state: FakeState, opts: AuthOptions, body: Record<string, unknown>): Reply {
  if (body.grant_type !== 'authorization_code') return fyersError(400, -50, 'Invalid grant_type');
  if (body.appIdHash !== appIdHash(state.appId, state.appSecret)) return fyersError(400, -371, 'Please provide sha256 hash of appId and app secret');
  if (typeof body.code !== 'string' || body.code === '') return fyersError(400, -374, 'Please provide authorization code.');
  if (!state.authCodes.delete(body.code)) return fyersError(400, -437, 'invalid auth code');
  const access = issueAccessToken(state, opts);
  const refresh = fakeJwt({ iss: 'api.fyers.in', iat: Math.floor(opts.clock() / 1000), exp: Math.floor(opts.clock() / 1000) + 15 * 86_400, sub: 'refresh_token' });
  state.refreshTokens.add(refresh);
  return json(200, { s: 'ok', code: 200, message: '', access_token: access, refresh_token: refresh });
}

/** POST /api/v3/validate-refresh-token: the documented (now discontinued) PIN flow, or its refusal. */
export function validateRefreshToken(state: FakeState, opts: AuthOptions, body: Record<string, unknown>): Reply {
  if (opts.refreshMode === 'gone') return { status: 404, body: '' };
  if (opts.refreshMode === 'discontinued') {
    return fyersError(400, -501, 'The refresh token flow has been discontinued. A daily 2FA login is mandatory for API access.');
  }
  if (body.grant_type !== 'refresh_token') return fyersError(400, -50, 'Invalid grant_type');
  if (body.appIdHash !== appIdHash(state.appId, state.appSecret)) return fyersError(400, -371, 'Please provide sha256 hash of appId and app secret');
  if (typeof body.refresh_token !== 'string' || !state.refreshTokens.has(body.refresh_token)) return fyersError(400, -501, 'Please provide valid refresh token');
  // The code for a wrong PIN is not documented; -502 is the fake's choice.
  if (body.pin !== state.pin) return fyersError(400, -502, 'Please provide valid pin');
  return json(200, { s: 'ok', code: 200, message: '', access_token: issueAccessToken(state, opts) });
}
