import { istParts } from '../../shared/platform/ist';
import { CONTROLS_KEY, WEBHOOK_SECRET, niftyAlert, sendAlert, startBridge, storeLogin, type Bridge } from './helpers/bridge-kit';

/**
 * The operator's switchboard over HTTP (the one-port local server), and its effect on the webhook: on
 * the instance that took the change at once, on every other instance within CONTROLS_CACHE_SECONDS.
 */
const CACHE_SECONDS = 5;
let bridge: Bridge;

beforeEach(async () => {
  bridge = await startBridge({ localServer: true, env: { CONTROLS_CACHE_SECONDS: String(CACHE_SECONDS), MAX_LOTS: '10' } });
  await storeLogin(bridge);
});
afterEach(async () => {
  await bridge.close();
});

interface Reply {
  status: number;
  body: Record<string, any>;
}

/** `key: null` sends no Authorization header at all. */
async function ctl(method: string, path: string, body?: unknown, key: string | null = CONTROLS_KEY): Promise<Reply> {
  const res = await fetch(`${bridge.base}/controls${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function alert(over: Record<string, unknown> = {}): Promise<Reply> {
  const res = await fetch(`${bridge.base}/webhook`, { method: 'POST', body: JSON.stringify(niftyAlert(over)) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('controls function', () => {
  it('refuses a missing or wrong bearer key with 401 and changes nothing', async () => {
    const none = await ctl('GET', '/', undefined, null);
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHORIZED');
    const wrong = await ctl('POST', '/', { tradingEnabled: false }, 'not-the-key');
    expect(wrong.status).toBe(401);
    expect((await bridge.deps.adapters.controls.get()).tradingEnabled).toBe(true);
    expect(JSON.stringify([none.body, wrong.body])).not.toContain(CONTROLS_KEY);
  });

  it('reads the controls', async () => {
    const r = await ctl('GET', '/');
    expect(r.status).toBe(200);
    expect(r.body.controls).toEqual({ tradingEnabled: true, reduceOnly: false });
  });

  it('kill switch: refused at once on this instance, and on another instance within the cache time', async () => {
    const other = await bridge.another();
    // Both instances have the controls cached from a live alert.
    expect((await alert()).status).toBe(200);
    expect((await sendAlert(other, niftyAlert())).status).toBe(200);

    const off = await ctl('POST', '/', { tradingEnabled: false, actor: 'alice' });
    expect(off.status).toBe(200);
    expect(off.body.controls.tradingEnabled).toBe(false);
    expect(off.body.previous.tradingEnabled).toBe(true);

    const here = await alert();
    expect(here.status).toBe(403);
    expect(here.body.error.code).toBe('TRADING_DISABLED');

    bridge.clock.advance(CACHE_SECONDS * 1000);
    const there = await sendAlert(other, niftyAlert());
    expect(there.status).toBe(403);
    expect((there.body.error as { code: string }).code).toBe('TRADING_DISABLED');
    expect(bridge.fake.state.orders).toHaveLength(2);

    const history = await ctl('GET', '/history');
    expect(history.status).toBe(200);
    expect(history.body.history[0]).toMatchObject({ actor: 'alice', before: { tradingEnabled: true }, after: { tradingEnabled: false } });
    expect(history.body.history[0].at).toBeGreaterThan(0);
    expect(bridge.notes.ofKind('controls.changed')).toHaveLength(1);

    const on = await ctl('POST', '/', { tradingEnabled: true });
    expect(on.status).toBe(200);
    expect((await alert()).status).toBe(200);
    expect((await ctl('GET', '/history')).body.history.map((h: { actor: string }) => h.actor)).toEqual(['operator', 'alice']);
  });

  it('enforces a maxLots override, and null clears it back to MAX_LOTS', async () => {
    expect((await ctl('POST', '/', { maxLots: 2 })).status).toBe(200);
    const big = await alert({ qty: 3 });
    expect(big.status).toBe(422);
    expect(big.body.error.code).toBe('RISK_REFUSED');
    expect((await alert({ qty: 2 })).status).toBe(200);

    const cleared = await ctl('POST', '/', { maxLots: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.controls).not.toHaveProperty('maxLots');
    const again = await alert({ qty: 3 });
    expect(again.status).toBe(200);
    expect(bridge.fake.state.orders.map((o) => o.qty)).toEqual([2 * 65, 3 * 65]);
  });

  it('enforces a daily order cap: the (n+1)th alert is refused with 422, and null lifts the cap', async () => {
    expect((await ctl('POST', '/', { dailyOrderCap: 2 })).status).toBe(200);
    expect((await alert()).status).toBe(200);
    expect((await alert()).status).toBe(200);
    const third = await alert();
    expect(third.status).toBe(422);
    expect(third.body.error).toMatchObject({ code: 'RISK_REFUSED' });
    expect(third.body.error.message).toContain('daily order cap of 2');
    expect(bridge.fake.state.orders).toHaveLength(2);

    expect((await ctl('POST', '/', { dailyOrderCap: null })).status).toBe(200);
    expect((await alert()).status).toBe(200);
    expect(bridge.fake.state.orders).toHaveLength(3);
  });

  it('refuses an unknown or invalid field with 400 naming it', async () => {
    const unknown = await ctl('POST', '/', { maxLot: 3 });
    expect(unknown.status).toBe(400);
    expect(Object.keys(unknown.body.error.fields)).toEqual(['maxLot']);
    const negative = await ctl('POST', '/', { maxLots: -1 });
    expect(negative.status).toBe(400);
    expect(Object.keys(negative.body.error.fields)).toEqual(['maxLots']);
    const notJson = await fetch(`${bridge.base}/controls/`, { method: 'POST', headers: { authorization: `Bearer ${CONTROLS_KEY}` }, body: '{nope' });
    expect(notJson.status).toBe(400);
    expect((await bridge.deps.adapters.controls.history(10))).toEqual([]);
  });

  it('lists the webhook audit by IST day and status, never with the alert token', async () => {
    expect((await alert()).status).toBe(200);
    expect((await alert({ qty: 2 })).status).toBe(200);
    expect((await alert({ token: 'wrong-secret-xyz' })).status).toBe(401);
    const day = istParts(bridge.clock()).date;

    const placed = await ctl('GET', `/audit?day=${day}&status=placed`);
    expect(placed.status).toBe(200);
    expect(placed.body.entries).toHaveLength(2);
    expect(placed.body.entries.every((e: { status: string; httpStatus: number }) => e.status === 'placed' && e.httpStatus === 200)).toBe(true);
    const ids = new Set(bridge.fake.state.orders.map((o) => o.id));
    expect(placed.body.entries.every((e: { brokerResponse: { orderId: string } }) => ids.has(e.brokerResponse.orderId))).toBe(true);

    // The wrong-token post is noise, not an alert (issue 19): counted, never audited.
    const all = await ctl('GET', `/audit?day=${day}`);
    expect(all.body.entries).toHaveLength(2);
    expect((await bridge.deps.adapters.audit.noise(day)).reduce((n, c) => n + c.count, 0)).toBe(1);
    const text = JSON.stringify(all.body);
    expect(text).not.toContain(WEBHOOK_SECRET);
    expect(text).not.toContain('wrong-secret-xyz');
    expect(all.body.entries.every((e: { alert?: Record<string, unknown> }) => !('token' in (e.alert ?? {})))).toBe(true);

    const otherDay = await ctl('GET', '/audit?day=2001-01-01');
    expect(otherDay.body.entries).toEqual([]);
    const badDay = await ctl('GET', '/audit?day=yesterday');
    expect(badDay.status).toBe(400);
    expect(Object.keys(badDay.body.error.fields)).toEqual(['day']);
  });
});
