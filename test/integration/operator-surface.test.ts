import http, { type Server } from 'node:http';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import '../../functions/index';
import { setDepsForTests } from '../../functions/composition';
import { createLogger } from '../../shared/platform/logger';
import { listen } from '../helpers/webhook-client';
import { CONTROLS_KEY, startBridge, type Bridge } from './helpers/bridge-kit';
import { submitKey } from './helpers/login-flow';

/**
 * Issue 10, items 3, 6, 7 and 8: the operator's side of the service as an attacker meets it. The login
 * form cannot be pointed elsewhere, wrong operator keys are rate limited per source, a failing login
 * page leaves a log line, and the local server's scheduler endpoints want the operator key.
 */
let bridge: Bridge | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

/** GET with the path exactly as written (fetch would normalise `//host/...`). */
function rawGet(base: string, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

const actionOf = (html: string) => /<form method="post" action="([^"]*)"/.exec(html)?.[1];

function expectHtmlSecurityHeaders(headers: http.IncomingHttpHeaders | Headers): void {
  const get = (k: string) => (headers instanceof Headers ? headers.get(k) : (headers[k] as string | undefined)) ?? '';
  expect(get('content-security-policy')).toMatch(/form-action 'self'( [^;]*)?;/);
  expect(get('content-security-policy')).not.toMatch(/form-action[^;]*\*/);
  expect(get('referrer-policy')).toBe('no-referrer');
  expect(get('x-content-type-options')).toBe('nosniff');
  expect(get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
}

describe('the login form (item 3)', () => {
  it('served at the function root as on Cloud Run, posts to "/" whatever path the link used', async () => {
    bridge = await startBridge();
    setDepsForTests(bridge.deps);
    const served = await listen(getTestServer('authUrl') as Server);
    try {
      for (const path of ['//evil.example/steal', '/', '//evil.example/steal?x=1', '/%2F%2Fevil.example']) {
        const page = await rawGet(served.url, path);
        expect([path, page.status]).toEqual([path, 200]);
        expect([path, actionOf(page.text)]).toEqual([path, '/']);
        expect(page.text).not.toContain('evil.example');
        expectHtmlSecurityHeaders(page.headers);
        // The form's answer redirects to Fyers' login page: that origin, and only it, is allowed besides 'self'.
        expect(page.headers['content-security-policy']).toContain(`form-action 'self' ${new URL(bridge.fake.apiUrl).origin};`);
      }
    } finally {
      setDepsForTests(undefined);
      await served.close();
    }
  });

  it('on the one-port server posts to /authUrl, and every HTML answer carries the security headers', async () => {
    bridge = await startBridge({ localServer: true });
    const page = await rawGet(bridge.base!, '/authUrl//evil.example/steal');
    expect(actionOf(page.text)).toBe('/authUrl');
    expectHtmlSecurityHeaders(page.headers);
    const refused = await submitKey(bridge, 'not-the-key');
    expect(refused.status).toBe(401);
    const again = await fetch(`${bridge.base}/authUrl`, { method: 'POST', body: 'key=nope', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectHtmlSecurityHeaders(again.headers);
    const callback = await fetch(`${bridge.base}/authCallback?state=x&auth_code=y`);
    expect(callback.status).toBe(400);
    expectHtmlSecurityHeaders(callback.headers);
  });
});

describe('operator key attempts (item 6)', () => {
  it('slows a guesser with 429s after a few wrong keys on /controls and the login form, while the right key keeps working from the same address (issue 19)', async () => {
    bridge = await startBridge({ localServer: true });
    const controls = (key: string) => fetch(`${bridge!.base}/controls`, { headers: { authorization: `Bearer ${key}` } });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await controls(`guess-${i}`)).status);
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 401]);
    bridge.clock.advance(-60_000); // the lock certainly outlasts what follows, however slow the machine
    const locked = await controls('guess-8');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await submitKey(bridge, 'guess-9')).status).toBe(429);
    // The operator, behind the same address, is not the one slowed down.
    expect((await controls(CONTROLS_KEY)).status).toBe(200);
    expect((await submitKey(bridge)).status).not.toBe(429);
  });

  it('1,000 wrong operator keys from the operator\'s own address leave the right key working on /controls and the console (issue 19)', async () => {
    bridge = await startBridge({ localServer: true });
    const controls = (key: string) => fetch(`${bridge!.base}/controls`, { headers: { authorization: `Bearer ${key}` } });
    const login = (key: string) =>
      fetch(`${bridge!.base}/console/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ key }).toString() });
    for (let i = 0; i < 500; i++) expect([401, 429]).toContain((await controls(`guess-${i}`)).status);
    for (let i = 500; i < 1_000; i++) expect([401, 429]).toContain((await login(`guess-${i}`)).status);
    expect((await controls(CONTROLS_KEY)).status).toBe(200);
    const ok = await login(CONTROLS_KEY);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('set-cookie')).toMatch(/^__Host-console-session=/);
  });

  it('counts each source on its own, and never refuses the right key because of wrong ones', async () => {
    bridge = await startBridge();
    const { handleControls } = await import('../../functions/controls/controls.handler');
    const ask = (key: string, source: string) => handleControls(bridge!.deps.controls, { method: 'GET', path: '/', query: {}, authorization: `Bearer ${key}`, source });
    for (let i = 0; i < 10; i++) await ask(`guess-${i}`, '203.0.113.9');
    bridge.clock.advance(-60_000); // the lock certainly outlasts the next requests, however slow the machine
    expect((await ask('guess-10', '203.0.113.9')).status).toBe(429);
    expect((await ask('guess-10', '198.51.100.7')).status).toBe(401);
    expect((await ask(CONTROLS_KEY, '203.0.113.9')).status).toBe(200);
  });
});

describe('a failing login page (item 7)', () => {
  it('logs the error its 503 page points the operator to', async () => {
    const lines: string[] = [];
    bridge = await startBridge({
      localServer: true,
      logger: createLogger({ sink: (l) => lines.push(l) }),
      overrides: {
        oauthStates: {
          create: async () => {
            throw new Error('the state store is full');
          },
          consume: async () => 'unknown',
        },
      },
    });
    const r = await submitKey(bridge);
    expect(r.status).toBe(503);
    expect(r.text).toContain('the operator logs have the details');
    const logged = lines.map((l) => JSON.parse(l) as { severity: string; message: string; error?: { message?: string } }).find((l) => l.message === 'login page failed');
    expect(logged?.severity).toBe('ERROR');
    expect(logged?.error?.message).toBe('the state store is full');
  });
});

describe('scheduler and notification endpoints on the one-port server (item 8)', () => {
  it.each(['/notify', '/refreshToken', '/refreshSymbolMaster', '/orderEventWebhooks'])('%s refuses a caller without the operator key', async (path) => {
    bridge = await startBridge({ localServer: true });
    const forged = { data: { message: { data: Buffer.from(JSON.stringify({ kind: 'session.expired', severity: 'critical', summary: 'log in again at https://evil.example', at: Date.now() })).toString('base64') } } };
    const anonymous = await fetch(bridge.base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(forged) });
    expect(anonymous.status).toBe(401);
    const wrong = await fetch(bridge.base + path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer nope' }, body: '{}' });
    expect(wrong.status).toBe(401);
    const withKey = await fetch(bridge.base + path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${CONTROLS_KEY}` }, body: JSON.stringify(forged) });
    expect(withKey.status).not.toBe(401);
    expect(withKey.status).not.toBe(429);
  });
});

describe('a kill-switch POST without Content-Type (item 5)', () => {
  /** POST with no Content-Type header at all (fetch would add text/plain to a string body). */
  function postUntyped(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('is read and applied, not answered "Nothing to change"', async () => {
    bridge = await startBridge({ localServer: true });
    const r = await postUntyped(`${bridge.base}/controls`, JSON.stringify({ tradingEnabled: false, actor: 'asha' }), { authorization: `Bearer ${CONTROLS_KEY}` });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', controls: { tradingEnabled: false } });
    expect((await bridge.deps.adapters.controls.get()).tradingEnabled).toBe(false);
    // The webhook reads an untyped alert the same way: the kill switch answers, not "no body".
    const alert = await postUntyped(`${bridge.base}/webhook`, JSON.stringify({ token: 'wrong', symbol: 'NIFTY' }), {});
    expect((alert.body.error as { code: string }).code).toBe('UNAUTHORIZED');
  });
});
