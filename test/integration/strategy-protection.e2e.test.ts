import type { AppDeps } from '../../functions/composition';
import { startFakeFyers, type FakeFyers } from '../fake-fyers';
import { IN_WINDOW, SPOT_LTP, SPOT_TICKER, WEBHOOK_SECRET, niftyOption, sampleContracts, startSampleBridge, tickingClock } from '../helpers/webhook-e2e-kit';
import { postAlert } from '../helpers/webhook-client';
import { useWebhookServer } from '../helpers/webhook-test-server';

/**
 * Strategies on the one order path, against the fake Fyers with PROTECTION=managed: every order a
 * strategy alert leads to is planned, sent by the one executor, recorded, and protected like a single
 * order; closes first take back the bridge's own exits; a flatten never cancels its own closes.
 */
jest.setTimeout(30_000);

const { index, instruments } = sampleContracts(IN_WINDOW);
const CE = niftyOption(index, IN_WINDOW, 24500, 'CE');
const PE = niftyOption(index, IN_WINDOW, 24500, 'PE');
const FREEZE = 1300;

const server = useWebhookServer();
let fake: FakeFyers;
let deps: AppDeps;

async function start(env: Record<string, string> = {}): Promise<void> {
  const clock = tickingClock(IN_WINDOW);
  // The exchange's freeze quantity lives with the contract at the fake, as qtyFreeze does in the master.
  const bridge = await startSampleBridge({
    label: 'strategy-protect',
    clock,
    fake: await startFakeFyers({ clock, instruments: instruments.map((i) => ({ ...i, freezeQty: FREEZE })), ltp: { [SPOT_TICKER]: SPOT_LTP, [CE.ticker]: 150, [PE.ticker]: 140 } }),
    env: { PROTECTION: 'managed', FREEZE_QTY_OVERRIDES: `NIFTY=${FREEZE}`, LIMIT_PRICE_BAND_PERCENT: '100', ...env },
    instance: true,
  });
  server.onCleanup(bridge.close);
  ({ fake, deps } = bridge);
}

const post = (body: Record<string, unknown>) => postAlert(server.url(), { token: WEBHOOK_SECRET, symbol: 'NIFTY', ...body });
const TYPE: Record<number, string> = { 1: 'LIMIT', 2: 'MARKET', 3: 'SL-M', 4: 'SL-L' };
const describeOrder = (o: FakeFyers['state']['orders'][number]) => `${o.side === 1 ? 'BUY' : 'SELL'} ${TYPE[o.type]} ${o.symbol} ${o.qty}`;
/** Working orders at the fake (status 6 = pending), as `SIDE TYPE ticker qty`. */
const working = () => fake.state.orders.filter((o) => o.status === 6).map(describeOrder).sort();
const netOf = (ticker: string) => [...fake.state.positions.values()].filter((p) => p.symbol === ticker).reduce((s, p) => s + p.netQty, 0);

/** Every order that reached the fake has a record of its own, and that record has events. */
async function everyOrderRecorded(): Promise<void> {
  for (const o of fake.state.orders) {
    const rec = await deps.adapters.orderRecords.get(o.id);
    expect({ id: o.id, recorded: rec !== undefined }).toEqual({ id: o.id, recorded: true });
    expect(rec!.version).toBeGreaterThanOrEqual(1);
  }
}

describe('a strategy position with sl/tp under PROTECTION=managed', () => {
  it('long fills and gets one stop and one target; short withdraws them, closes, opens the put and protects it; flat withdraws and closes', async () => {
    await start();

    const long = await post({ strategy: 'trend', position: 'long', qty: 1, sl: 10, tp: 20, idempotency_key: 'day-1' });
    expect(long.status).toBe(200);
    expect(netOf(CE.ticker)).toBe(65);
    expect(working()).toEqual([`SELL LIMIT ${CE.ticker} 65`, `SELL SL-L ${CE.ticker} 65`]);
    const entry = (long.body.legs as Array<{ orderId: string }>)[0]!.orderId;
    expect(await deps.adapters.orderRecords.get(entry)).toMatchObject({ role: 'entry', strategy: 'trend', state: 'filled', exits: { slPoints: 10, tpPoints: 20 } });

    const short = await post({ strategy: 'trend', position: 'short', qty: 1, sl: 8, tp: 16, idempotency_key: 'day-2' });
    expect(short.status).toBe(200);
    expect(netOf(CE.ticker)).toBe(0);
    expect(netOf(PE.ticker)).toBe(65);
    // The call's exits are gone (cancelled, not filled), and the put has its own.
    expect(working()).toEqual([`SELL LIMIT ${PE.ticker} 65`, `SELL SL-L ${PE.ticker} 65`]);
    expect(fake.state.orders.filter((o) => o.symbol === CE.ticker && o.type !== 2).map((o) => o.status)).toEqual([1, 1]);

    const flat = await post({ strategy: 'trend', position: 'flat', idempotency_key: 'day-3' });
    expect(flat.status).toBe(200);
    expect(netOf(PE.ticker)).toBe(0);
    expect(working()).toEqual([]);
    await everyOrderRecorded();
  });

  it('legs protection mode sends the stop and target as TP/SL legs on the strategy order itself', async () => {
    await start({ PROTECTION: 'legs' });
    expect((await post({ strategy: 'legs', position: 'long', qty: 1, sl: 10, tp: 20, idempotency_key: 'lg-1' })).status).toBe(200);
    const o = fake.state.orders[0]!;
    expect({ stopLoss: o.stopLoss, takeProfit: o.takeProfit, legType: o.legType }).toEqual({ stopLoss: 10, takeProfit: 20, legType: 1 });
  });

  it('refuses sl on a flatten, naming the field, and sends nothing', async () => {
    await start();
    const res = await post({ strategy: 'trend', intent: 'flatten', sl: 10, idempotency_key: 'bad-sl' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('sl');
    expect(fake.state.orders).toHaveLength(0);
  });
});

describe('multi-leg structures on the one order path', () => {
  const condor = (lots: number) => ({
    strategy: 'condor', qty: lots, sl: 15,
    legs: [
      { optionType: 'PE', strike: 24300, action: 'BUY' },
      { optionType: 'PE', strike: 24400, action: 'SELL' },
      { optionType: 'CE', strike: 24600, action: 'SELL' },
      { optionType: 'CE', strike: 24700, action: 'BUY' },
    ],
  });

  it("slices every leg above the master's freeze quantity and protects each slice", async () => {
    await start({ MAX_LOTS: '200' });
    const res = await post({ ...condor(22), idempotency_key: 'ic-1' });
    expect(res.status).toBe(200);
    // 22 lots = 1430 units per leg, above the freeze of 1300: each leg leaves as slices of 1300 and 130.
    const entries = fake.state.orders.filter((o) => o.type === 2);
    expect(entries.map((o) => o.qty).sort((a, b) => a - b)).toEqual([130, 130, 130, 130, 1300, 1300, 1300, 1300]);
    // One stop per slice of each leg: none above the freeze quantity, all in the opposite direction.
    const stops = fake.state.orders.filter((o) => o.type === 4);
    expect(stops).toHaveLength(8);
    expect(stops.every((o) => o.qty <= FREEZE)).toBe(true);
    await everyOrderRecorded();
  });

  it('refuses ten identical legs over MAX_LOTS, naming both numbers, and sends nothing', async () => {
    await start({ MAX_LOTS: '20' });
    const legs = Array.from({ length: 10 }, () => ({ optionType: 'CE', strike: 24500, action: 'BUY' }));
    const res = await post({ strategy: 'ten', qty: 3, legs, idempotency_key: 'ten-1' });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toMatch(/30 lots.*20 lots/);
    expect(fake.state.orders).toHaveLength(0);
  });

  it('a flatten whose closes rest unfilled leaves them working and says so', async () => {
    await start({ MAX_LOTS: '200' });
    expect((await post({ strategy: 'rest', qty: 1, legs: condor(1).legs, idempotency_key: 'rs-1' })).status).toBe(200);
    fake.restMarketOrders(true);
    const before = fake.state.orders.length;
    const res = await post({ strategy: 'rest', intent: 'flatten', idempotency_key: 'rs-2' });
    expect(res.status).toBe(200);
    const closes = fake.state.orders.slice(before).filter((o) => o.type === 2);
    expect(closes).toHaveLength(4);
    // Still working at the exchange: nothing cancelled them.
    expect(closes.every((o) => o.status === 6)).toBe(true);
    expect(String(res.body.reason)).toContain('resting unfilled');
    await everyOrderRecorded();
  });
});
