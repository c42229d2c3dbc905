/**
 * A representative trading day run through the deployed HTTP stack with the real logger (its raw output
 * captured) and every write to stdout, stderr and the console captured as well: operator login at Fyers,
 * alerts placed, duplicated, rejected, lost, invalid and with bad tokens, controls read and changed,
 * the token keeper refreshing the session, readiness checks and the notifications all of that causes.
 * No secret or token used anywhere in the session may appear in any of it.
 */
import { createHash } from 'node:crypto';
import { createLogger } from '../../shared/platform/logger';
import { startFyersApp, type FyersApp } from '../helpers/fyers-app';

const CONTROLS_KEY = 'ctl-key-7f3a9c21e4b8-5d0e6a1b93c4';
const APP_SECRET = 'fyers-app-secret-51d2c7e0';
const PIN = '482916';

const lines: string[] = [];
const captured: string[] = [];
let app: FyersApp;
const restore: Array<() => void> = [];

function tap(target: object, method: string): void {
  const t = target as Record<string, (...a: unknown[]) => unknown>;
  const original = t[method]!;
  t[method] = function (this: unknown, ...args: unknown[]) {
    captured.push(args.map((a) => (typeof a === 'string' ? a : Buffer.isBuffer(a) ? a.toString('utf8') : safeString(a))).join(' '));
    return original.apply(this, args);
  };
  restore.push(() => (t[method] = original));
}

function safeString(a: unknown): string {
  try {
    return a instanceof Error ? `${a.stack} ${JSON.stringify(a)}` : typeof a === 'object' ? JSON.stringify(a) : String(a);
  } catch {
    return String(a);
  }
}

beforeAll(async () => {
  for (const m of ['write']) {
    tap(process.stdout, m);
    tap(process.stderr, m);
  }
  for (const m of ['log', 'info', 'warn', 'error', 'debug']) tap(console, m);
  app = await startFyersApp({
    store: 'local',
    notifier: 'real',
    logger: createLogger({ level: 'DEBUG', sink: (l) => void lines.push(l) }),
    fake: { appSecret: APP_SECRET, pin: PIN, accessTokenExp: (now) => Math.floor(now / 1000) + 3600 },
    env: { CONTROLS_KEY, FYERS_APP_SECRET: APP_SECRET, FYERS_PIN: PIN, FYERS_REDIRECT_URL: 'http://127.0.0.1/fyers/callback', LOG_LEVEL: 'DEBUG' },
  });
});

afterAll(async () => {
  await app.close();
  for (const r of restore.reverse()) r();
});

it('runs a full session without writing any secret or token anywhere', async () => {
  const authCodes: string[] = [];

  // Operator login: key in the form body, Fyers' redirect back with the auth code.
  expect((await app.post('key=wrong-key', { path: '/authUrl', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(401);
  const start = await fetch(`${app.url}/authUrl`, { method: 'POST', body: `key=${CONTROLS_KEY}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
  expect(start.status).toBe(303);
  const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  authCodes.push(back.searchParams.get('auth_code')!);
  const done = await app.get(`/authCallback${back.search}`);
  expect(done.status).toBe(200);
  expect(done.text).toContain('Alerts will now place orders');

  // Alerts of every kind.
  const placed = app.alert();
  expect((await app.post(placed)).status).toBe(200);
  expect((await app.post(placed)).body.status).toBe('duplicate');
  expect((await app.post(app.alert({ qty: 0 }))).status).toBe(400);
  expect((await app.post(`{"token":"${app.secret}","symbol":"NIFTY",`, { headers: { 'content-type': 'text/plain' } })).status).toBe(400);
  expect((await app.post(app.alert({ stoploss: 20 }))).status).toBe(400);
  for (let i = 0; i < 3; i++) expect((await app.post(app.alert({ token: `${app.secret}x${i}` }))).status).toBe(401);
  app.fake.inject('place-order', { kind: 'reject', code: -99, message: 'RMS: insufficient margin' }, 1);
  expect((await app.post(app.alert({ strikeprice: 24_550 }))).status).toBe(422);
  app.fake.inject('place-order', { kind: 'reset' }, 1);
  expect((await app.post(app.alert({ strikeprice: 24_600 }))).status).toBe(202);
  expect((await app.post(app.alert({ strikeprice: 'ATM+1', idempotency_key: 'leg-1' }), { headers: { 'idempotency-key': 'hdr-key-1' } })).status).toBe(200);

  // Controls: read, refuse a bad key, flip the kill switch and back.
  const bearer = { authorization: `Bearer ${CONTROLS_KEY}` };
  expect((await fetch(`${app.url}/controls`, { headers: bearer })).status).toBe(200);
  expect((await fetch(`${app.url}/controls`, { headers: { authorization: `Bearer ${CONTROLS_KEY}0` } })).status).toBe(401);
  for (const tradingEnabled of [false, true]) {
    const r = await fetch(`${app.url}/controls`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify({ tradingEnabled, actor: 'ops' }) });
    expect(r.status).toBe(200);
  }
  expect((await fetch(`${app.url}/controls/audit`, { headers: bearer })).status).toBe(200);

  // The token keeper refreshes the short session with the PIN; then readiness, and the session dying.
  const kept = await fetch(`${app.url}/refreshToken`, { method: 'POST', headers: bearer });
  expect(((await kept.json()) as { status: string }).status).toBe('refreshed');
  expect((await app.get('/readyz')).status).toBe(200);
  app.fake.killTokens();
  expect((await app.post(app.alert({ strikeprice: 24_650 }))).status).toBe(503);

  const secrets: Record<string, string> = {
    webhookSecret: app.secret,
    controlsKey: CONTROLS_KEY,
    appSecret: APP_SECRET,
    pin: PIN,
    appIdHash: createHash('sha256').update(`${app.fake.state.appId}:${APP_SECRET}`).digest('hex'),
  };
  [...app.fake.state.accessTokens].forEach((t, i) => (secrets[`accessToken${i}`] = t));
  [...app.fake.state.refreshTokens].forEach((t, i) => (secrets[`refreshToken${i}`] = t));
  authCodes.forEach((c, i) => (secrets[`authCode${i}`] = c));
  // At least: env token, login token, refreshed token; one refresh token; one auth code.
  expect(Object.keys(secrets).length).toBeGreaterThanOrEqual(10);

  // The capture worked: the session's story is in the log.
  const log = lines.join('\n');
  for (const m of ['login completed', 'alert handled', 'fyers order placed', 'fyers order rejected', 'fyers order outcome unknown', 'controls changed', 'session refreshed']) {
    expect(log).toContain(m);
  }
  expect(log).toMatch(/order\.unknown|order\.rejected|session\.expired/);

  const everything = [...lines, ...captured].join('\n');
  const leaked = Object.entries(secrets).filter(([, value]) => everything.includes(value)).map(([name]) => name);
  expect(leaked).toEqual([]);
  // Neither a token's signature part (a log might cut a JWT) nor the Authorization header form.
  for (const t of app.fake.state.accessTokens) expect(everything).not.toContain(t.split('.')[2]);
  expect(everything).not.toContain(`${app.fake.state.appId}:ey`);
});
