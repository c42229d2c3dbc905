import { formatIst } from '../../shared/platform/ist';
import { jwtExpiryMs } from '../../shared/tokens/jwt-expiry';
import { callsTo, niftyAlert, startBridge, type Bridge } from './helpers/bridge-kit';
import { hop, loginUntilCallback, storedStates, submitKey, textOf } from './helpers/login-flow';

/**
 * The operator's morning login, end to end over HTTP: the one-port local server (the same Functions
 * Framework handlers Cloud Run runs), the fake Fyers login, and then a real alert on the new session.
 * No FYERS_ACCESS_TOKEN: trading is possible only because the login stored a token.
 */
let bridge: Bridge;
beforeEach(async () => {
  bridge = await startBridge({ localServer: true });
});
afterEach(async () => {
  await bridge.close();
});

describe('OAuth login through the local server and the fake Fyers', () => {
  it('shows the form, sends the browser to Fyers with a state, stores the session and trades on it', async () => {
    // Before the login an alert cannot trade: there is no session at all.
    const early = await fetch(`${bridge.base}/webhook`, { method: 'POST', body: JSON.stringify(niftyAlert()) });
    expect(early.status).toBe(503);
    expect(((await early.json()) as { error: { code: string } }).error.code).toBe('SESSION_EXPIRED');

    const form = await hop(`${bridge.base}/authUrl`);
    expect(form.status).toBe(200);
    expect(form.text).toMatch(/<form method="post" action="[^"]*"/);
    expect(form.text).toContain('name="key"');
    // The form must post back to the login function itself, wherever it is served.
    const action = /action="([^"]*)"/.exec(form.text)![1]!;
    expect(new URL(action, `${bridge.base}/authUrl`).pathname).toBe('/authUrl');

    const started = await submitKey(bridge);
    expect(started.status).toBe(303);
    const toFyers = new URL(started.location!);
    expect(`${toFyers.origin}${toFyers.pathname}`).toBe(`${bridge.fake.apiUrl}/generate-authcode`);
    expect(toFyers.searchParams.get('client_id')).toBe(bridge.fake.state.appId);
    expect(toFyers.searchParams.get('redirect_uri')).toBe(`${bridge.base}/authCallback`);
    const state = toFyers.searchParams.get('state')!;
    expect(state).toMatch(/^[\w-]{20,}$/);
    expect(Object.keys(await storedStates(bridge))).toHaveLength(1);

    const fyers = await hop(started.location!);
    expect(fyers.status).toBe(302);
    const callback = new URL(fyers.location!);
    expect(callback.pathname).toBe('/authCallback');
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.get('auth_code')).toBeTruthy();

    const result = await hop(fyers.location!);
    expect(result.status).toBe(200);
    const stored = await bridge.deps.adapters.tokens.current();
    expect(stored).toBeDefined();
    expect(bridge.fake.state.accessTokens.has(stored!.accessToken)).toBe(true);
    expect(stored!.source).toBe('login');
    expect(stored!.refreshToken).toBeTruthy();
    expect(stored!.expiresAt).toBe(jwtExpiryMs(stored!.accessToken));
    expect(textOf(result.text)).toContain(`Trading is live The Fyers session is valid until ${formatIst(stored!.expiresAt)}`);
    // The page is about the session; it never echoes a credential.
    expect(result.text).not.toContain(stored!.accessToken);
    expect(result.text).not.toContain(callback.searchParams.get('auth_code')!);

    const alert = await fetch(`${bridge.base}/webhook`, { method: 'POST', body: JSON.stringify(niftyAlert()) });
    const body = (await alert.json()) as { status: string; orderId: string; symbol: string };
    expect(alert.status).toBe(200);
    expect(body.status).toBe('accepted');
    expect(bridge.fake.state.orders).toHaveLength(1);
    expect(bridge.fake.state.orders[0]!.id).toBe(body.orderId);
    expect(bridge.fake.state.orders[0]!.symbol).toBe(body.symbol);
    // The order went out on the token the login obtained.
    const placed = bridge.fake.state.requests.find((r) => r.route === 'place-order')!;
    expect(placed.headers.authorization).toBe(`${bridge.fake.state.appId}:${stored!.accessToken}`);
  });

  it('refuses a wrong key with 401 and creates no login state', async () => {
    const r = await submitKey(bridge, 'not-the-key');
    expect(r.status).toBe(401);
    expect(r.location).toBeUndefined();
    expect(textOf(r.text)).toContain('That operator key is not valid.');
    expect(await storedStates(bridge)).toEqual({});
    expect(bridge.fake.state.requests).toHaveLength(0);
  });

  it('refuses a replayed callback: the second use of a state stores nothing', async () => {
    const callback = await loginUntilCallback(bridge);
    expect((await hop(callback)).status).toBe(200);
    const first = await bridge.deps.adapters.tokens.current();
    expect(first).toBeDefined();
    const exchanges = callsTo(bridge.fake, 'validate-authcode');

    const replay = await hop(callback);
    expect(replay.status).toBe(400);
    expect(textOf(replay.text)).toContain('This login link was already used.');
    expect(callsTo(bridge.fake, 'validate-authcode')).toBe(exchanges);
    expect(await bridge.deps.adapters.tokens.current()).toEqual(first);
  });

  it('refuses a forged state even with a valid auth code from Fyers', async () => {
    // A real auth code, issued for a state this bridge never created.
    const fyers = await hop(bridge.fake.authCodeUrl('forged-state-0123456789abcdef'));
    expect(fyers.status).toBe(302);
    const r = await hop(fyers.location!);
    expect(r.status).toBe(400);
    expect(textOf(r.text)).toContain('This login was not started here.');
    expect(callsTo(bridge.fake, 'validate-authcode')).toBe(0);
    expect(await bridge.deps.adapters.tokens.current()).toBeUndefined();

    // A state that is not even well-formed is refused before any store read.
    const junk = await hop(`${bridge.base}/authCallback?auth_code=x&state=${encodeURIComponent('<script>')}`);
    expect(junk.status).toBe(400);
    expect(junk.text).not.toContain('<script>');
  });

  it('refuses a state that expired before Fyers sent the browser back', async () => {
    const callback = await loginUntilCallback(bridge);
    bridge.clock.advance(10 * 60_000 + 1_000);
    const r = await hop(callback);
    expect(r.status).toBe(400);
    expect(textOf(r.text)).toContain('This login link has expired.');
    expect(callsTo(bridge.fake, 'validate-authcode')).toBe(0);
    expect(await bridge.deps.adapters.tokens.current()).toBeUndefined();
  });
});
