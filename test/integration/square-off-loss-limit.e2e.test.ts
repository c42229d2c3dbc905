import type { AppDeps } from '../../functions/composition';
import { handleSquareOff } from '../../functions/square-off/square-off.handler';
import type { Notification } from '../../shared/notify/notifier.port';
import { istInstant } from '../../shared/platform/ist';
import { enforceDailyLossLimit } from '../../shared/strategy/daily-loss';
import type { FakeFyers } from '../fake-fyers';
import { IN_WINDOW, WEBHOOK_SECRET, niftyOption, sampleContracts, startSampleBridge, type TickingClock } from '../helpers/webhook-e2e-kit';
import { postAlert } from '../helpers/webhook-client';
import { useWebhookServer } from '../helpers/webhook-test-server';

/**
 * The bridge's own risk exits, against the fake Fyers with the clock set by hand: the scheduled
 * square-off at each strategy's time, and the daily loss limit computed from the broker's positions.
 */
jest.setTimeout(30_000);

const DAY = '2026-07-22';
const { index } = sampleContracts(IN_WINDOW);
const CE = niftyOption(index, IN_WINDOW, 24500, 'CE');

const server = useWebhookServer();
let fake: FakeFyers;
let deps: AppDeps;
let clock: TickingClock;
let notes: Notification[];

async function start(env: Record<string, string>): Promise<void> {
  const bridge = await startSampleBridge({ label: 'risk-exits', env: { LIMIT_PRICE_BAND_PERCENT: '100', ...env }, notifier: 'record', instance: true });
  server.onCleanup(bridge.close);
  ({ fake, deps, clock } = bridge);
  notes = bridge.notes.sent;
}

const post = (body: Record<string, unknown>) => postAlert(server.url(), { token: WEBHOOK_SECRET, symbol: 'NIFTY', ...body });
const sent = () => fake.state.orders.map((o) => `${o.side === 1 ? 'BUY' : 'SELL'} ${o.symbol} ${o.qty} ${o.productType}`);
const legsOf = async (strategy: string) => (await deps.adapters.holdings.get(strategy, 'NIFTY'))?.legs ?? [];

describe('square-off', () => {
  it('flattens each strategy at its own time, INTRADAY only, cancels working orders, and notifies', async () => {
    await start({ SQUARE_OFF_AT: '15:15,scalper=14:50' });
    expect((await post({ strategy: 'trend', position: 'long', idempotency_key: 'sq-1' })).status).toBe(200);
    expect((await post({ strategy: 'scalper', position: 'long', qty: 2, idempotency_key: 'sq-2' })).status).toBe(200);
    expect((await post({ strategy: 'swing', position: 'long', productType: 'MARGIN', idempotency_key: 'sq-3' })).status).toBe(200);
    // A limit order far from the market rests at the exchange.
    const resting = await post({ action: 'BUY', optionType: 'CE', strikeprice: 24500, orderType: 'LIMIT', price: 1.05, idempotency_key: 'sq-4' });
    expect(resting.status).toBe(200);
    expect(fake.state.orders.at(-1)?.status).toBe(6);
    const before = fake.state.orders.length;

    clock.set(istInstant(DAY, 14, 30));
    expect((await handleSquareOff(deps.squareOff)).body).toMatchObject({ status: 'idle', due: 0 });
    expect(fake.state.orders).toHaveLength(before);

    clock.set(istInstant(DAY, 14, 50));
    const scalper = await handleSquareOff(deps.squareOff);
    expect(scalper.status).toBe(200);
    expect(sent().slice(before)).toEqual([`SELL ${CE.ticker} 130 INTRADAY`]);
    expect(await legsOf('scalper')).toEqual([]);
    expect(await legsOf('trend')).toHaveLength(1);

    clock.set(istInstant(DAY, 15, 15));
    const all = await handleSquareOff(deps.squareOff);
    expect(all.status).toBe(200);
    expect(sent().slice(before + 1)).toEqual([`SELL ${CE.ticker} 65 INTRADAY`]);
    expect(await legsOf('trend')).toEqual([]);
    // MARGIN (carry-forward) holdings are not squared off.
    expect(await legsOf('swing')).toHaveLength(1);
    expect(fake.state.orders.find((o) => o.id === resting.body.orderId)?.status).toBe(1);
    expect(notes.filter((n) => n.kind === 'strategy.squared_off').map((n) => n.severity)).toEqual(['info', 'info']);

    // The scheduler runs again a few minutes later: nothing is left, nothing is sent.
    const count = fake.state.orders.length;
    clock.set(istInstant(DAY, 15, 20));
    expect((await handleSquareOff(deps.squareOff)).body).toMatchObject({ status: 'idle' });
    expect(fake.state.orders).toHaveLength(count);
  });

  it('a rerun after a close that rested cancels it and closes only what is still held, never flipping the position', async () => {
    await start({ SQUARE_OFF_AT: '15:15' });
    expect((await post({ strategy: 'trend', position: 'long', qty: 2, idempotency_key: 'rq-1' })).status).toBe(200);
    fake.state.restSymbols.add(CE.ticker);
    clock.set(istInstant(DAY, 15, 15));
    const first = await handleSquareOff(deps.squareOff);
    expect(first.body).toMatchObject({ resting: [expect.stringContaining(CE.ticker)] });
    const close = fake.state.orders.at(-1)!;
    // Half of the close fills before the next run; the rest still rests.
    fake.lifecycle.fillNow(close.id, 65, 140);
    await fake.lifecycle.settled();
    // The book still holds the half that did not close, with the close pending.
    expect(await legsOf('trend')).toEqual([expect.objectContaining({ qty: 130 })]);
    fake.state.restSymbols.delete(CE.ticker);

    clock.set(istInstant(DAY, 15, 16));
    const rerun = await handleSquareOff(deps.squareOff);
    expect(rerun.status).toBe(200);
    expect(close.status).toBe(1);
    expect(sent().slice(1)).toEqual([`SELL ${CE.ticker} 130 INTRADAY`, `SELL ${CE.ticker} 65 INTRADAY`]);
    expect([...fake.state.positions.values()].filter((p) => p.symbol === CE.ticker).reduce((x, p) => x + p.netQty, 0)).toBe(0);
    expect(await deps.adapters.holdings.list({ strategy: 'trend' })).toEqual([]);
  });

  it('is registered as the squareOff function and answers the scheduler', async () => {
    await start({});
    const { getTestServer } = await import('@google-cloud/functions-framework/testing');
    const { listen } = await import('../helpers/webhook-client');
    const served = await listen(getTestServer('squareOff') as import('node:http').Server);
    server.onCleanup(served.close);
    const res = await fetch(served.url, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'idle' });
  });
});

describe('daily loss limit', () => {
  it('at the limit switches trading off, flattens the holdings, notifies, and refuses every later alert', async () => {
    await start({ DAILY_LOSS_LIMIT: '3000' });
    expect((await post({ strategy: 'trend', position: 'long', idempotency_key: 'll-1' })).status).toBe(200);
    expect(sent()).toEqual([`BUY ${CE.ticker} 65 INTRADAY`]); // filled at 100

    // Down 50 a unit on 65 units: -3250, past the 3000 limit.
    fake.setLtp(CE.ticker, 50);
    const refused = await post({ strategy: 'other', position: 'long', idempotency_key: 'll-2' });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.message).toMatch(/daily loss limit/);
    expect((await deps.adapters.controls.get()).tradingEnabled).toBe(false);
    expect(sent()).toEqual([`BUY ${CE.ticker} 65 INTRADAY`, `SELL ${CE.ticker} 65 INTRADAY`]);
    expect(await legsOf('trend')).toEqual([]);
    const alerts = notes.filter((n) => n.kind === 'risk.loss_limit');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.summary).toMatch(/MTM -3250/);

    // Single orders are refused as well, and a reconcile-style call changes nothing more.
    const single = await post({ action: 'BUY', optionType: 'CE', strikeprice: 'ATM', idempotency_key: 'll-3' });
    expect(single.status).toBe(403);
    const again = await enforceDailyLossLimit(deps.lossLimit!);
    expect(again).toMatchObject({ breached: true, acted: false, mtm: -3250 });
    expect(fake.state.orders).toHaveLength(2);
    expect(notes.filter((n) => n.kind === 'risk.loss_limit')).toHaveLength(1);
  });

  it('below the limit lets alerts through', async () => {
    await start({ DAILY_LOSS_LIMIT: '3000' });
    await post({ strategy: 'trend', position: 'long', idempotency_key: 'ok-1' });
    fake.setLtp(CE.ticker, 80); // -1300
    const res = await post({ strategy: 'trend', position: 'flat', idempotency_key: 'ok-2' });
    expect(res.status).toBe(200);
    expect(await enforceDailyLossLimit(deps.lossLimit!)).toMatchObject({ breached: false, mtm: -1300 });
  });
});
