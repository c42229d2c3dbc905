import { istParts } from '../../shared/platform/ist';
import { callsTo, niftyAlert, sendAlert, startBridge, storeLogin, type Bridge } from './helpers/bridge-kit';

/**
 * A Fyers session that dies mid-day (revoked, logged in elsewhere, expired early). Alerts must be
 * refused fast with a retryable 503 that is certain nothing was sent, the operator told once, Fyers
 * not hammered with a dead token, and trading must resume by itself once a new login is stored.
 */
let bridge: Bridge;
beforeEach(async () => {
  bridge = await startBridge();
});
afterEach(async () => {
  await bridge.close();
});

const login = () => storeLogin(bridge);

const TOKEN_CACHE_MS = 5_000;

describe('a session that dies during the day', () => {
  it('refuses alerts with 503 SESSION_EXPIRED, notifies once, stops calling Fyers, and resumes after a new login', async () => {
    await login();
    const live = await sendAlert(bridge.deps, niftyAlert());
    expect(live.status).toBe(200);
    expect(bridge.fake.state.orders).toHaveLength(1);

    bridge.fake.killTokens();
    const first = await sendAlert(bridge.deps, niftyAlert());
    expect(first.status).toBe(503);
    expect(first.body).toMatchObject({ status: 'error', error: { code: 'SESSION_EXPIRED' } });
    expect(first.headers?.['Retry-After']).toBeDefined();

    const requestsAfterFirst = bridge.fake.state.requests.length;
    const more = [];
    for (let i = 0; i < 4; i++) more.push(await sendAlert(bridge.deps, niftyAlert()));
    expect(more.map((r) => [r.status, (r.body.error as { code: string }).code])).toEqual(Array(4).fill([503, 'SESSION_EXPIRED']));
    // Known dead: refused without asking Fyers again.
    expect(bridge.fake.state.requests.length).toBe(requestsAfterFirst);
    expect(bridge.fake.state.orders).toHaveLength(1);
    expect(callsTo(bridge.fake, 'place-order')).toBe(1);

    const expired = bridge.notes.ofKind('session.expired');
    expect(expired).toHaveLength(1);
    expect(expired[0]!.severity).toBe('critical');
    expect(expired[0]!.summary).toContain(`${bridge.config.publicBaseUrl}/authUrl`);

    // The audit trail shows each refusal, so the operator can see what was missed.
    const audit = await bridge.deps.adapters.audit.list({ day: istParts(bridge.clock()).date, status: 'session_expired', limit: 50 });
    expect(audit).toHaveLength(5);

    // The operator logs in again (on any instance: only the shared token store changes).
    bridge.fake.state.tokenDeath = undefined;
    const fresh = await login();
    bridge.clock.advance(TOKEN_CACHE_MS);
    const resumed = await sendAlert(bridge.deps, niftyAlert());
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('accepted');
    expect(bridge.fake.state.orders).toHaveLength(2);
    const lastPlace = bridge.fake.state.requests.filter((r) => r.route === 'place-order').at(-1)!;
    expect(lastPlace.headers.authorization).toBe(`${bridge.fake.state.appId}:${fresh.accessToken}`);
    expect(bridge.notes.ofKind('session.expired')).toHaveLength(1);
  });

  it('refuses without calling Fyers at all when the stored session has passed its expiry', async () => {
    const token = await login();
    bridge.clock.advance(token.expiresAt - bridge.clock() + 1_000);

    const replies = [await sendAlert(bridge.deps, niftyAlert()), await sendAlert(bridge.deps, niftyAlert())];

    expect(replies.map((r) => r.status)).toEqual([503, 503]);
    expect(bridge.fake.state.requests).toHaveLength(0);
    expect(bridge.notes.ofKind('session.expired')).toHaveLength(1);
  });
});
