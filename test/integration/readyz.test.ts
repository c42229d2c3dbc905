import { CONTROLS_KEY, FYERS_APP_SECRET, WEBHOOK_SECRET, startBridge, storeLogin, type Bridge, type BridgeOptions } from './helpers/bridge-kit';

/**
 * Readiness answers "could an alert trade right now?": 200 only when every part is ready, otherwise 503
 * naming the parts that are not, in words an operator can act on and without any secret in the body.
 */
const PIN = '4321';
let bridge: Bridge;
const secrets: string[] = [WEBHOOK_SECRET, CONTROLS_KEY, FYERS_APP_SECRET];

async function start(over: BridgeOptions = {}) {
  bridge = await startBridge({ localServer: true, ...over, env: { FYERS_PIN: PIN, ...over.env } });
  secrets.push(PIN);
  return bridge;
}

async function readyz(): Promise<{ status: number; text: string; body: { status: string; checks: Record<string, { ok: boolean; detail?: string }> } }> {
  const res = await fetch(`${bridge.base}/readyz`);
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) };
}

const failing = (checks: Record<string, { ok: boolean }>) => Object.keys(checks).filter((k) => !checks[k]!.ok);

function expectNoSecrets(text: string, ...more: string[]) {
  for (const s of [...secrets, ...more]) expect(text).not.toContain(s);
}

afterEach(async () => {
  await bridge.close();
});

describe('readyz', () => {
  it('is 200 with every check ok on the paper broker', async () => {
    await start({ env: { BROKER: 'paper' } });
    const r = await readyz();
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('ready');
    expect(failing(r.body.checks)).toEqual([]);
    expect(Object.keys(r.body.checks)).toEqual(expect.arrayContaining(['broker', 'symbolMaster', 'store', 'secrets', 'notifications']));
    expectNoSecrets(r.text);
  });

  it('is 200 on Fyers with a live session, and 503 naming only the broker once the session dies', async () => {
    await start();
    const token = await storeLogin(bridge);
    const ok = await readyz();
    expect(ok.status).toBe(200);
    expect(failing(ok.body.checks)).toEqual([]);
    expectNoSecrets(ok.text, token.accessToken);

    bridge.fake.killTokens();
    // readyz reuses the broker's session answer for 15 s (shared/broker/cached-reads.ts), so polls
    // cannot spend the Fyers budget; a dead session shows once that answer is old.
    bridge.clock.advance(15_000);
    const dead = await readyz();
    expect(dead.status).toBe(503);
    expect(dead.body.status).toBe('not_ready');
    expect(failing(dead.body.checks)).toEqual(['broker']);
    expect(dead.body.checks.broker!.detail).toBeTruthy();
    expectNoSecrets(dead.text, token.accessToken);
  });

  it('is 503 naming the broker before anyone has logged in', async () => {
    await start();
    const r = await readyz();
    expect(r.status).toBe(503);
    expect(failing(r.body.checks)).toEqual(['broker']);
    expect(r.body.checks.broker!.detail).toBe('no login yet');
  });

  it('is 503 naming symbolMaster when no master can be loaded', async () => {
    await start({ env: { SYMBOL_MASTER_FILE: '/nonexistent/NSE_FO.csv' } });
    const token = await storeLogin(bridge);
    const r = await readyz();
    expect(r.status).toBe(503);
    expect(failing(r.body.checks)).toEqual(['symbolMaster']);
    // The probe says what is wrong without echoing paths or errors an attacker could use.
    expect(r.body.checks.symbolMaster!.detail).toBe('unavailable');
    expect(r.text).not.toContain('/nonexistent');
    expectNoSecrets(r.text, token.accessToken);
  });
});
