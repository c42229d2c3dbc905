import { istInstant } from '../../shared/platform/ist';
import { startBridge, storeLogin, type Bridge, type BridgeOptions } from './helpers/bridge-kit';
import { hop, loginUntilCallback, textOf } from './helpers/login-flow';

/**
 * readyz and the login result page tell the same truth: not ready while the kill switch is on, outside
 * the exchange session, or when the broker session would end before the exchange closes.
 */
const TUESDAY = '2027-01-12';
let bridge: Bridge;

async function start(at: number, over: BridgeOptions = {}) {
  bridge = await startBridge({ localServer: true, at, ...over, env: { ENFORCE_TRADING_WINDOW: 'true', ...over.env } });
  return bridge;
}

async function readyz() {
  const res = await fetch(`${bridge.base}/readyz`);
  return { status: res.status, body: (await res.json()) as { status: string; reasons?: string[]; checks: Record<string, { ok: boolean; detail?: string }> } };
}

const failing = (checks: Record<string, { ok: boolean }>) => Object.keys(checks).filter((k) => !checks[k]!.ok).sort();

afterEach(async () => {
  await bridge.close();
});

describe('readiness tells the truth', () => {
  it('is 200 in the session with a full-day login, and 503 naming the kill switch once it is on', async () => {
    await start(istInstant(TUESDAY, 10, 0), { env: { CONTROLS_CACHE_SECONDS: '0' } });
    await storeLogin(bridge);
    const ok = await readyz();
    expect(ok.status).toBe(200);
    expect(ok.body.reasons).toBeUndefined();

    await bridge.deps.adapters.controls.update({ tradingEnabled: false }, 'test', bridge.clock());
    const off = await readyz();
    expect(off.status).toBe(503);
    expect(failing(off.body.checks)).toEqual(['killSwitch']);
    expect(off.body.reasons).toEqual([expect.stringMatching(/^killSwitch: The kill switch is ON/)]);
  });

  it('is 503 outside the exchange session, saying so', async () => {
    await start(istInstant(TUESDAY, 16, 0));
    await storeLogin(bridge);
    const r = await readyz();
    expect(r.status).toBe(503);
    expect(failing(r.body.checks)).toEqual(['exchangeSession']);
    expect(r.body.checks.exchangeSession!.detail).toContain('Outside the exchange session');
  });

  it('judges each request by its own day\'s session, not the day the instance started (F&O closes at 15:40 since 3 Aug 2026)', async () => {
    // Started on Friday 31 Jul 2026, when F&O still closed at 15:30; asked on Monday 3 Aug at 15:35.
    await start(istInstant('2026-07-31', 15, 35));
    await storeLogin(bridge);
    expect(failing((await readyz()).body.checks)).toEqual(['exchangeSession']);
    bridge.clock.advance(istInstant('2026-08-03', 15, 35) - istInstant('2026-07-31', 15, 35));
    await storeLogin(bridge);
    const r = await readyz();
    expect(failing(r.body.checks)).toEqual([]);
    expect(r.status).toBe(200);
  });

  it('is 503 when the broker session ends before the exchange closes', async () => {
    await start(istInstant(TUESDAY, 10, 0));
    const token = bridge.fake.issueAccessToken(Math.floor(istInstant(TUESDAY, 14, 0) / 1000));
    await bridge.deps.adapters.tokens.save({ accessToken: token, expiresAt: istInstant(TUESDAY, 14, 0), obtainedAt: bridge.clock(), source: 'login' });
    const r = await readyz();
    expect(r.status).toBe(503);
    expect(failing(r.body.checks)).toEqual(['broker']);
    expect(r.body.checks.broker!.detail).toBe(`The broker session ends at ${TUESDAY} 14:00 IST, before the exchange closes at ${TUESDAY} 15:40 IST; log in again`);
  });
});

describe('the login result page says the same', () => {
  it('says "NOT live" with the kill switch on, naming it', async () => {
    await start(istInstant(TUESDAY, 9, 0), { fake: { authCodeMode: 'redirect' } });
    await bridge.deps.adapters.controls.update({ tradingEnabled: false }, 'test', bridge.clock());
    const page = await hop(await loginUntilCallback(bridge));
    const text = textOf(page.text);
    expect(text).toContain('Trading is NOT live');
    expect(text).not.toContain('Trading is live');
    expect(text).toContain('The kill switch is ON');
  });

  it('says "NOT live" when the new session would end before the close', async () => {
    await start(istInstant(TUESDAY, 9, 0), { fake: { authCodeMode: 'redirect', accessTokenExp: () => Math.floor(istInstant(TUESDAY, 13, 0) / 1000) } });
    const page = await hop(await loginUntilCallback(bridge));
    const text = textOf(page.text);
    expect(text).toContain('Trading is NOT live');
    expect(text).toContain(`ends at ${TUESDAY} 13:00 IST, before the exchange closes at ${TUESDAY} 15:40 IST`);
  });

  it('says "live" on a full-day login during the session', async () => {
    await start(istInstant(TUESDAY, 10, 0), { fake: { authCodeMode: 'redirect' } });
    const page = await hop(await loginUntilCallback(bridge));
    expect(textOf(page.text)).toContain('Trading is live');
  });
});
