import http from "node:http";
import { CONTROLS_KEY, startBridge, type Bridge } from './helpers/bridge-kit';
import { submitKey } from './helpers/login-flow';

/**
 * The console and the login page are public pages guarded by the operator key: what a browser is told
 * (headers, cookie), what a forged or stale form gets, and how guessing the key is slowed down.
 */
let bridge: Bridge;

beforeEach(async () => {
  bridge = await startBridge({ localServer: true, fake: { authCodeMode: 'redirect' }, env: { CONTROLS_CACHE_SECONDS: '0' } });
});

afterEach(async () => {
  await bridge.close();
});

const form = (fields: Record<string, string>) => ({ method: 'POST', redirect: 'manual' as const, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

async function logIn(key = CONTROLS_KEY, headers: Record<string, string> = {}) {
  const res = await fetch(`${bridge.base}/console/login`, { ...form({ key }), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  return { res, cookie: res.headers.get('set-cookie')?.split(';')[0] };
}

async function csrfOf(cookie: string): Promise<string> {
  const html = await (await fetch(`${bridge.base}/console/`, { headers: { cookie } })).text();
  return /name="csrf" value="([^"]+)"/.exec(html)![1]!;
}

const killSwitch = (cookie: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${bridge.base}/console/apply`, { ...form({ tradingEnabled: 'false', ...fields }), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...headers } });

describe('console security', () => {
  it('serves every page with a strict CSP and the hardening headers', async () => {
    const res = await fetch(`${bridge.base}/console`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('script-src');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d{8}/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).not.toMatch(/<script/i);

    // The public Fyers login page carries the same hardening (its form must redirect to Fyers, so no form-action).
    const login = await fetch(`${bridge.base}/authUrl`);
    expect(login.headers.get('x-content-type-options')).toBe('nosniff');
    expect(login.headers.get('referrer-policy')).toBe('no-referrer');
    expect(login.headers.get('strict-transport-security')).toMatch(/^max-age=/);
    expect(login.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('gives a short HttpOnly, Secure, SameSite=Strict session cookie for the right key only', async () => {
    const wrong = await logIn('not-the-key');
    expect(wrong.res.status).toBe(401);
    expect(wrong.cookie).toBeUndefined();
    const { res } = await logIn();
    expect(res.status).toBe(303);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^__Host-console-session=[\w.-]+; Max-Age=1200; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    expect(setCookie).not.toContain(CONTROLS_KEY);
  });

  it('refuses a change without the session\'s CSRF token, with another session\'s, or from another site, and changes nothing', async () => {
    const { cookie } = await logIn();
    const other = await logIn();
    const otherCsrf = await csrfOf(other.cookie!);
    expect((await killSwitch(cookie!, {})).status).toBe(403);
    expect((await killSwitch(cookie!, { csrf: otherCsrf })).status).toBe(403);
    const csrf = await csrfOf(cookie!);
    expect((await killSwitch(cookie!, { csrf }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await bridge.deps.adapters.controls.get()).tradingEnabled).toBe(true);
    expect(bridge.notes.ofKind('controls.changed')).toHaveLength(0);

    const ok = await killSwitch(cookie!, { csrf }, { 'sec-fetch-site': 'same-origin' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/console/?changed=1');
    expect((await bridge.deps.adapters.controls.get()).tradingEnabled).toBe(false);
  });

  it('shows the login page, not the day, without a valid session; an expired one changes nothing', async () => {
    const { cookie } = await logIn();
    const csrf = await csrfOf(cookie!);
    const anon = await (await fetch(`${bridge.base}/console/`)).text();
    expect(anon).toContain('Operator key');
    expect(anon).not.toContain("Today's alerts");
    bridge.clock.advance(21 * 60_000);
    const stale = await killSwitch(cookie!, { csrf });
    expect(stale.status).toBe(303);
    // No session, no cookie change (issue 19: a post without a session must not log anyone out).
    expect(stale.headers.get('set-cookie')).toBeNull();
    expect((await bridge.deps.adapters.controls.get()).tradingEnabled).toBe(true);
    expect(await (await fetch(`${bridge.base}/console/`, { headers: { cookie: cookie! } })).text()).toContain('Operator key');
  });

  it('refuses an invalid limit by name and changes nothing', async () => {
    const { cookie } = await logIn();
    const csrf = await csrfOf(cookie!);
    const res = await fetch(`${bridge.base}/console/confirm`, { ...form({ csrf, maxLots: '-3' }), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie! } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('maxLots');
    expect(await bridge.deps.adapters.controls.get()).toEqual({ tradingEnabled: true, reduceOnly: false });
  });

  it('slows repeated wrong keys from an address with 429s, on the console and the login page alike, but lets the right key in (issue 19)', async () => {
    for (let i = 0; i < 5; i++) expect((await logIn('guess-' + i)).res.status).toBe(401);
    // The sixth guess is made on the Fyers login page: the pages share one operator-key gate.
    expect((await submitKey(bridge, 'guess-5')).status).toBe(401);
    bridge.clock.advance(-60_000);
    const locked = await logIn('guess-6');
    expect(locked.res.status).toBe(429);
    expect(Number(locked.res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(locked.cookie).toBeUndefined();
    expect(await locked.res.text()).toContain('Too many wrong keys from this address');
    expect((await submitKey(bridge, 'guess-7')).status).toBe(429);
    expect(bridge.fake.state.requests).toHaveLength(0);
    const right = await logIn();
    expect(right.res.status).toBe(303);
    expect(right.cookie).toMatch(/^__Host-console-session=/);
  });


  it('refuses a cross-site login post before its key is compared or counted (issue 19)', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await logIn(i % 2 ? CONTROLS_KEY : `guess-${i}`, i < 5 ? { 'sec-fetch-site': 'cross-site' } : { origin: 'https://evil.example' });
      expect(r.res.status).toBe(403);
      expect(r.cookie).toBeUndefined();
    }
    // None of them counted: the address's first wrong key is still a plain 401.
    expect((await logIn('guess-x')).res.status).toBe(401);
    expect((await logIn(CONTROLS_KEY, { 'sec-fetch-site': 'same-origin' })).res.status).toBe(303);
  });

  it('logout ends the session on the server: the old cookie opens nothing afterwards (issue 19)', async () => {
    const { cookie } = await logIn();
    const csrf = await csrfOf(cookie!);
    const out = await fetch(`${bridge.base}/console/logout`, { ...form({ csrf }), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie! } });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    // A copy of the cookie kept from before (another tab, a stolen one) is dead too.
    expect(await (await fetch(`${bridge.base}/console/`, { headers: { cookie: cookie! } })).text()).toContain('Operator key');
    expect((await killSwitch(cookie!, { csrf })).status).toBe(303);
    expect((await bridge.deps.adapters.controls.get()).tradingEnabled).toBe(true);
  });

  it('a post without a session (another site logging the operator out) never clears the cookie (issue 19)', async () => {
    const res = await fetch(`${bridge.base}/console/logout`, { ...form({}) });
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

});

/** Issue 19 item 5: no path of the one-port server redirects to another host. */
describe('no open redirect on the local server', () => {
  const raw = (path: string, method = 'GET') =>
    new Promise<{ status?: number; location?: string }>((resolve, reject) => {
      const u = new URL(bridge.base!);
      const req = http.request({ host: u.hostname, port: u.port, path, method, headers: method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {} }, (res) => {
        res.resume();
        resolve({ status: res.statusCode, location: res.headers.location });
      });
      req.on('error', reject);
      if (method === 'POST') req.end('key=x');
      else req.end();
    });

  it.each([
    ['GET', '//evil.example/console/login'],
    ['GET', '///evil.example/console/login'],
    ['GET', '/\\evil.example/console/login'],
    ['POST', '//evil.example/console/logout'],
    ['POST', '//evil.example/console/apply'],
    ['GET', '//evil.example/authUrl'],
  ])('%s %s stays on this host', async (method, path) => {
    const r = await raw(path, method);
    if (r.location !== undefined) {
      expect(r.location).toMatch(/^\/(?![/\\])/);
      expect(new URL(r.location, 'http://this.host').host).toBe('this.host');
    }
    expect(r.status).toBeLessThan(500);
  });
});
