import { handleTokenKeeper } from '../../functions/token-keeper/token-keeper.handler';
import { formatIst, istInstant, istParts } from '../../shared/platform/ist';
import type { StoredToken } from '../../shared/tokens/token.port';
import { callsTo, startBridge, type Bridge, type BridgeOptions } from './helpers/bridge-kit';

/**
 * The scheduled token keeper against the fake Fyers: it keeps a long session warm with one cheap call,
 * refreshes a short one where Fyers still allows it, tells the operator when only a login will do, and
 * never lets two keepers spend one refresh token.
 */
const PIN = '2468';
const REFRESH_TOKEN = 'fake-refresh-token-for-keeper-tests';
// 08:30 IST tomorrow: before the open, so the session must last until 15:30 IST today (that day).
const TOMORROW = istParts(Date.now() + 86_400_000).date;
const MORNING = istInstant(TOMORROW, 8, 30);
const CLOSE = istInstant(TOMORROW, 15, 30);

let bridge: Bridge;
afterEach(async () => {
  await bridge?.close();
});

async function start(refreshMode: 'accept' | 'discontinued' | 'gone', over: BridgeOptions = {}) {
  bridge = await startBridge({ at: MORNING, fake: { refreshMode, pin: PIN }, env: { FYERS_PIN: PIN, PUBLIC_BASE_URL: 'http://127.0.0.1:8080' }, ...over });
  bridge.fake.state.refreshTokens.add(REFRESH_TOKEN);
  return bridge;
}

/** A session that ends at `expiresAt`, as a login would have stored it. */
async function storeSession(expiresAt: number): Promise<StoredToken> {
  const token: StoredToken = {
    accessToken: bridge.fake.issueAccessToken(Math.floor(expiresAt / 1000)),
    refreshToken: REFRESH_TOKEN,
    expiresAt,
    obtainedAt: bridge.clock() - 3_600_000,
    source: 'login',
  };
  await bridge.deps.adapters.tokens.save(token);
  return token;
}

describe('token keeper', () => {
  it('refreshes a session that would end before the close, when Fyers accepts the PIN refresh', async () => {
    await start('accept');
    const old = await storeSession(MORNING + 30 * 60_000);

    const r = await handleTokenKeeper(bridge.deps.tokenKeeper);

    expect(r.status).toBe(200);
    expect(r.body.status).toBe('refreshed');
    const now = await bridge.deps.adapters.tokens.current();
    expect(now!.accessToken).not.toBe(old.accessToken);
    expect(bridge.fake.state.accessTokens.has(now!.accessToken)).toBe(true);
    expect(now!.source).toBe('refresh');
    expect(now!.refreshToken).toBe(REFRESH_TOKEN);
    expect(now!.expiresAt).toBeGreaterThan(CLOSE);
    expect(r.body.expiresAt).toBe(new Date(now!.expiresAt).toISOString());
    // The webhook's cached token was dropped: the very next call uses the new session.
    expect(await bridge.deps.adapters.accessTokens.accessToken()).toBe(now!.accessToken);
    expect(callsTo(bridge.fake, 'validate-refresh-token')).toBe(1);
    expect(bridge.notes.sent).toEqual([]);
  });

  it.each([
    ['session.expiring', 'ends', MORNING + 30 * 60_000],
    ['session.expired', 'has ended', MORNING - 60_000],
  ] as const)('when Fyers has discontinued refresh, tells the operator (%s) with the login link, and stores nothing', async (kind, words, expiresAt) => {
    await start('discontinued');
    const old = await storeSession(expiresAt);

    const r = await handleTokenKeeper(bridge.deps.tokenKeeper);

    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'login_needed', loginUrl: 'http://127.0.0.1:8080/authUrl' });
    expect(callsTo(bridge.fake, 'validate-refresh-token')).toBe(1);
    expect(await bridge.deps.adapters.tokens.current()).toEqual(old);
    expect(bridge.notes.sent).toHaveLength(1);
    const n = bridge.notes.sent[0]!;
    expect(n.kind).toBe(kind);
    expect(n.severity).toBe('critical');
    expect(n.summary).toContain('http://127.0.0.1:8080/authUrl');
    expect(n.summary).toContain(words);
    if (kind === 'session.expiring') expect(n.summary).toContain(formatIst(expiresAt));
    expect(n.details).toMatchObject({ loginUrl: 'http://127.0.0.1:8080/authUrl', expiresAt });
    // The notification names when, never what: no credential in it.
    expect(JSON.stringify(n)).not.toContain(old.accessToken);
    expect(JSON.stringify(n)).not.toContain(REFRESH_TOKEN);
    expect(JSON.stringify(n)).not.toContain(PIN);
  });

  it('answers ok for a session that lasts past the close, with one profile call and no refresh', async () => {
    await start('accept');
    await storeSession(CLOSE + 3_600_000);

    const r = await handleTokenKeeper(bridge.deps.tokenKeeper);

    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', session: 'valid' });
    expect(callsTo(bridge.fake, 'profile')).toBe(1);
    expect(callsTo(bridge.fake, 'validate-refresh-token')).toBe(0);
    expect(bridge.fake.state.requests).toHaveLength(1);
    expect(bridge.notes.sent).toEqual([]);
  });

  it('lets exactly one of two keepers on two instances do the work', async () => {
    await start('accept');
    const old = await storeSession(MORNING + 30 * 60_000);
    const other = await bridge.another();

    const replies = await Promise.all([handleTokenKeeper(bridge.deps.tokenKeeper), handleTokenKeeper(other.tokenKeeper)]);

    expect(replies.map((r) => r.body.status).sort()).toEqual(['refreshed', 'skipped']);
    expect(callsTo(bridge.fake, 'validate-refresh-token')).toBe(1);
    expect((await bridge.deps.adapters.tokens.current())!.accessToken).not.toBe(old.accessToken);
  });

  it('lets exactly one of two keepers on the same instance, started in the same millisecond, do the work', async () => {
    await start('accept');
    await storeSession(MORNING + 30 * 60_000);
    // Cloud Scheduler retries and a manual run can overlap on one warm instance; the clock does not
    // tell them apart, so the lease owner must.
    const frozen = bridge.clock();
    const deps = { ...bridge.deps.tokenKeeper, clock: () => frozen };

    const replies = await Promise.all([handleTokenKeeper(deps), handleTokenKeeper(deps)]);

    expect(replies.map((r) => r.body.status).sort()).toEqual(['refreshed', 'skipped']);
    expect(callsTo(bridge.fake, 'validate-refresh-token')).toBe(1);
  });
});
