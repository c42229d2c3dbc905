import { CONTROLS_KEY, type Bridge } from './helpers/bridge-kit';
import { CONSOLE_DAY, startConsoleDay, trendAlert } from './helpers/console-day';
import { sendAlert } from './helpers/bridge-kit';

/**
 * The console's actions over HTTP, as a browser posts them: nothing happens without the session's
 * CSRF token and a confirmation; a cancel reaches the broker once; a flatten closes the strategy
 * through the executor, writes its book and audits the console as actor.
 */
jest.setTimeout(60_000);
let bridge: Bridge;
beforeEach(async () => {
  bridge = await startConsoleDay();
});
afterEach(async () => {
  await bridge.close();
});

const post = (path: string, cookie: string, fields: Record<string, string>) =>
  fetch(`${bridge.base}/console${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams(fields).toString() });

async function session(): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${bridge.base}/console/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ key: CONTROLS_KEY }).toString() });
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const html = await (await fetch(`${bridge.base}/console/`, { headers: { cookie } })).text();
  return { cookie, csrf: /name="csrf" value="([^"]+)"/.exec(html)![1]! };
}

const working = () => bridge.fake.state.orders.filter((o) => o.status === 6);

describe('console actions', () => {
  it('refuses an action without the CSRF token, and asking for confirmation sends nothing', async () => {
    const { cookie, csrf } = await session();
    const before = bridge.fake.state.orders.length;
    expect((await post('/do', cookie, { kind: 'flatten', strategy: 'trend' })).status).toBe(403);
    const ask = await post('/act', cookie, { csrf, kind: 'flatten', strategy: 'trend' });
    expect(ask.status).toBe(200);
    expect(await ask.text()).toMatch(/Flatten trend\?/);
    expect(bridge.fake.state.orders).toHaveLength(before);
    expect((await bridge.deps.adapters.holdings.get('trend', 'NIFTY'))!.legs).toHaveLength(1);
  });

  it('cancels one working order at the broker, and audits it', async () => {
    const { cookie, csrf } = await session();
    const records = await bridge.deps.adapters.orderRecords.listCreatedBetween(0, Number.MAX_SAFE_INTEGER);
    const stop = records.find((r) => r.role === 'stop')!;
    expect(working().map((o) => o.id)).toContain(stop.orderId);
    const done = await post('/do', cookie, { csrf, kind: 'cancel', recordId: stop.id });
    expect(done.status).toBe(200);
    expect(await done.text()).toMatch(/Cancelled order/);
    expect(working().map((o) => o.id)).not.toContain(stop.orderId);
    expect(bridge.fake.state.requests.filter((r) => r.route === 'cancel-order')).toHaveLength(1);
    const audit = (await bridge.deps.adapters.audit.list({ day: CONSOLE_DAY, limit: 200 })).filter((e) => e.actor === 'console');
    expect(audit).toEqual([expect.objectContaining({ status: 'cancelled', orderRecordId: stop.id })]);
  });

  it('flattens one strategy: its exits withdrawn, one close, the book emptied, other strategies untouched', async () => {
    const { cookie, csrf } = await session();
    const before = bridge.fake.state.orders.length;
    const done = await post('/do', cookie, { csrf, kind: 'flatten', strategy: 'trend' });
    expect(done.status).toBe(200);
    const sent = bridge.fake.state.orders.slice(before);
    expect(sent.map((o) => `${o.side === 1 ? 'BUY' : 'SELL'} ${o.qty}`)).toEqual(['SELL 65']);
    expect(working()).toEqual([]);
    expect((await bridge.deps.adapters.holdings.get('trend', 'NIFTY'))?.legs ?? []).toEqual([]);
    // The strategy trades again from an empty book: a new long opens one call.
    const again = await sendAlert(bridge.deps, trendAlert('long', 'trend-after-flatten'));
    expect(again.status).toBe(200);
    expect(bridge.fake.state.orders.slice(before + 1).map((o) => `${o.side === 1 ? 'BUY' : 'SELL'} ${o.qty}`)).toEqual(['BUY 65']);
  });
});
