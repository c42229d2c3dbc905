import type { AppDeps } from '../../functions/composition';
import type { FakeFyers } from '../fake-fyers';
import { IN_WINDOW, WEBHOOK_SECRET, niftyOption, sampleContracts, startSampleBridge } from '../helpers/webhook-e2e-kit';
import { postAlert } from '../helpers/webhook-client';
import { useWebhookServer } from '../helpers/webhook-test-server';
import { asTradingViewSends, readmeTemplates } from '../helpers/readme-templates';

/**
 * Strategy alerts end to end: the webhook as Cloud Run serves it, the real composition root, the local
 * store, and the fake Fyers. Each case checks the reply, every order Fyers received, the broker's
 * positions afterwards and the bridge's own book.
 */
jest.setTimeout(30_000);

const { index } = sampleContracts(IN_WINDOW);
// Spot 24512.3 on a 50-point grid: ATM is 24500.
const CE = niftyOption(index, IN_WINDOW, 24500, 'CE');
const PE = niftyOption(index, IN_WINDOW, 24500, 'PE');

const server = useWebhookServer();
let fake: FakeFyers;
let deps: AppDeps;

async function start(env: Record<string, string> = {}): Promise<void> {
  const bridge = await startSampleBridge({ label: 'strategy', env: { LIMIT_PRICE_BAND_PERCENT: '100', ...env }, instance: true });
  server.onCleanup(bridge.close);
  ({ fake, deps } = bridge);
}

const post = (body: Record<string, unknown>) => postAlert(server.url(), { token: WEBHOOK_SECRET, symbol: 'NIFTY', ...body });
/** What Fyers received, as `SIDE ticker qty`, in order. */
const sent = () => fake.state.orders.map((o) => `${o.side === 1 ? 'BUY' : 'SELL'} ${o.symbol} ${o.qty}`);
const netOf = (ticker: string) => [...fake.state.positions.values()].filter((p) => p.symbol === ticker).reduce((s, p) => s + p.netQty, 0);
const book = async (strategy: string) => (await deps.adapters.holdings.get(strategy, 'NIFTY'))?.legs ?? [];

describe('position mode: long -> short -> flat', () => {
  it('places exactly the orders each transition needs and leaves the expected holdings', async () => {
    await start();

    const long = await post({ strategy: 'trend', position: 'long', qty: 1, idempotency_key: 'pm-1' });
    expect(long.status).toBe(200);
    expect(long.body).toMatchObject({ status: 'accepted', strategy: 'trend', position: 'long' });
    expect(sent()).toEqual([`BUY ${CE.ticker} 65`]);
    expect(await book('trend')).toEqual([expect.objectContaining({ ticker: CE.ticker, side: 'BUY', qty: 65, optionType: 'CE' })]);

    // Short: sell the call we hold (reduce-only), then buy a put. Never a written call.
    const short = await post({ strategy: 'trend', position: 'short', qty: 1, idempotency_key: 'pm-2' });
    expect(short.status).toBe(200);
    expect(sent()).toEqual([`BUY ${CE.ticker} 65`, `SELL ${CE.ticker} 65`, `BUY ${PE.ticker} 65`]);
    expect((short.body.legs as Array<Record<string, unknown>>).map((l) => `${l.role} ${l.side} ${l.symbol} ${l.status}`)).toEqual([
      `close SELL ${CE.ticker} filled`,
      `open BUY ${PE.ticker} filled`,
    ]);
    expect(netOf(CE.ticker)).toBe(0);
    expect(netOf(PE.ticker)).toBe(65);
    expect(await book('trend')).toEqual([expect.objectContaining({ ticker: PE.ticker, side: 'BUY', qty: 65 })]);

    // Short again (a new signal, not a resend): already there, so nothing is sent.
    const again = await post({ strategy: 'trend', position: 'short', qty: 1, idempotency_key: 'pm-3' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'accepted', legs: [] });
    expect(fake.state.orders).toHaveLength(3);

    const flat = await post({ strategy: 'trend', position: 'flat', idempotency_key: 'pm-4' });
    expect(flat.status).toBe(200);
    expect(sent().slice(3)).toEqual([`SELL ${PE.ticker} 65`]);
    expect(netOf(PE.ticker)).toBe(0);
    expect(await book('trend')).toEqual([]);
  });

  it('keeps strategies apart and never closes more than the broker holds', async () => {
    await start();
    await post({ strategy: 'a', position: 'long', qty: 2, idempotency_key: 'ab-1' });
    await post({ strategy: 'b', position: 'long', qty: 1, idempotency_key: 'ab-2' });
    expect(netOf(CE.ticker)).toBe(195);
    // Someone exits part of it by hand at the broker: 65 left in all.
    fake.setPosition(CE.ticker, 'INTRADAY', 65);
    const flatA = await post({ strategy: 'a', position: 'flat', idempotency_key: 'ab-3' });
    expect(flatA.status).toBe(200);
    expect(sent().slice(2)).toEqual([`SELL ${CE.ticker} 65`]);
    expect(netOf(CE.ticker)).toBe(0);
    expect(flatA.body.reason).toMatch(/trimmed to the broker's positions/);
  });

  it('writes an option only when the mapping says SELL', async () => {
    await start();
    const res = await post({ strategy: 'writer', position: 'short', mapping: { short: 'SELL CE' }, idempotency_key: 'w-1' });
    expect(res.status).toBe(200);
    expect(sent()).toEqual([`SELL ${CE.ticker} 65`]);
    expect(await book('writer')).toEqual([expect.objectContaining({ side: 'SELL', optionType: 'CE' })]);
  });

  it('refuses a strategy alert without a strategy id, naming the field, and sends nothing', async () => {
    await start();
    const res = await post({ position: 'long' });
    expect(res.status).toBe(400);
    expect(res.body.error?.fields).toHaveProperty('strategy');
    expect(fake.state.orders).toHaveLength(0);
  });
});

describe('multi-leg alerts', () => {
  // Iron condor around ATM 24500: hedges at ATM-4/ATM+4, written legs at ATM-2/ATM+2 (50-point grid).
  const condor = [
    { optionType: 'PE', strike: 'ATM-4', action: 'BUY' },
    { optionType: 'PE', strike: 'ATM-2', action: 'SELL' },
    { optionType: 'CE', strike: 'ATM+2', action: 'SELL' },
    { optionType: 'CE', strike: 'ATM+4', action: 'BUY' },
  ];
  const hedgePE = () => niftyOption(index, IN_WINDOW, 24300, 'PE');
  const shortPE = () => niftyOption(index, IN_WINDOW, 24400, 'PE');
  const shortCE = () => niftyOption(index, IN_WINDOW, 24600, 'CE');
  const hedgeCE = () => niftyOption(index, IN_WINDOW, 24700, 'CE');

  it('opens an iron condor in one alert: buys (hedges) in one basket, then sells in another', async () => {
    await start();
    const res = await post({ strategy: 'ic', legs: condor, qty: 1, idempotency_key: 'ic-1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'accepted', strategy: 'ic', lots: 4, qty: 260 });
    const baskets = fake.state.requests.filter((r) => r.route === 'multi-order');
    expect(baskets).toHaveLength(2);
    expect(sent()).toEqual([
      `BUY ${hedgePE().ticker} 65`, `BUY ${hedgeCE().ticker} 65`, `SELL ${shortPE().ticker} 65`, `SELL ${shortCE().ticker} 65`,
    ]);
    expect((await book('ic')).map((l) => `${l.side} ${l.ticker}`).sort()).toHaveLength(4);

    // A multi-leg close closes the whole structure: buy-backs of the written legs first, then the hedges sold.
    const close = await post({ strategy: 'ic', legs: condor, qty: 1, intent: 'close', idempotency_key: 'ic-2' });
    expect(close.status).toBe(200);
    expect(sent().slice(4)).toEqual([
      `BUY ${shortPE().ticker} 65`, `BUY ${shortCE().ticker} 65`, `SELL ${hedgePE().ticker} 65`, `SELL ${hedgeCE().ticker} 65`,
    ]);
    for (const t of [hedgePE(), shortPE(), shortCE(), hedgeCE()]) expect(netOf(t.ticker)).toBe(0);
    expect(await book('ic')).toEqual([]);
  });

  it('with one written leg rejected, ends with no position and reports every leg and every exit', async () => {
    await start();
    fake.rejectSymbol(shortCE().ticker, 'RMS:Margin Shortfall');
    const res = await post({ strategy: 'ic', legs: condor, qty: 1, idempotency_key: 'ic-rej' });

    expect(res.status).toBe(422);
    expect(res.body.status).toBe('rejected');
    const legs = res.body.legs as Array<Record<string, unknown>>;
    expect(legs.filter((l) => l.role === 'open').map((l) => `${l.side} ${l.symbol} ${l.status} ${l.rolledBack ?? '-'}`)).toEqual([
      `BUY ${hedgePE().ticker} filled exited`,
      `SELL ${shortPE().ticker} filled exited`,
      `SELL ${shortCE().ticker} rejected -`,
      `BUY ${hedgeCE().ticker} filled exited`,
    ]);
    expect(legs.find((l) => l.status === 'rejected')?.reason).toMatch(/Margin Shortfall/);
    // Exits: the written put bought back before the hedges are sold.
    expect(legs.filter((l) => l.role === 'exit').map((l) => `${l.side} ${l.symbol} ${l.status}`)).toEqual([
      `BUY ${shortPE().ticker} filled`, `SELL ${hedgePE().ticker} filled`, `SELL ${hedgeCE().ticker} filled`,
    ]);
    for (const t of [hedgePE(), shortPE(), shortCE(), hedgeCE()]) expect(netOf(t.ticker)).toBe(0);
    expect(await book('ic')).toEqual([]);
    // The audit trail carries every leg as well.
    const audit = await deps.adapters.audit.list({ day: '2026-07-22', status: 'rejected' });
    expect((audit[0]?.brokerResponse as { legs: unknown[] }).legs).toHaveLength(7);
  });

  it('with a hedge rejected, never sends the written legs', async () => {
    await start();
    fake.rejectSymbol(hedgeCE().ticker, 'RMS:Blocked for trading');
    const res = await post({ strategy: 'ic', legs: condor, qty: 1, idempotency_key: 'ic-hedge' });
    expect(res.status).toBe(422);
    const legs = res.body.legs as Array<Record<string, unknown>>;
    expect(legs.filter((l) => l.side === 'SELL' && l.role === 'open').every((l) => l.status === 'not-sent')).toBe(true);
    expect(fake.state.orders.filter((o) => o.side === -1 && o.symbol !== hedgePE().ticker)).toHaveLength(0);
    expect(netOf(hedgePE().ticker)).toBe(0);
  });

  it('cancels a leg still resting at the exchange instead of exiting it', async () => {
    await start();
    fake.state.restSymbols.add(hedgePE().ticker);
    fake.rejectSymbol(shortCE().ticker, 'RMS:Margin Shortfall');
    const res = await post({ strategy: 'ic', legs: condor, qty: 1, idempotency_key: 'ic-rest' });
    expect(res.status).toBe(422);
    const hedge = (res.body.legs as Array<Record<string, unknown>>).find((l) => l.symbol === hedgePE().ticker && l.role === 'open');
    expect(hedge).toMatchObject({ status: 'working', rolledBack: 'cancelled' });
    expect(fake.state.orders.find((o) => o.symbol === hedgePE().ticker)?.status).toBe(1);
    expect(fake.state.requests.filter((r) => r.route === 'cancel-order')).toHaveLength(1);
  });

  it('counts every leg against the daily order cap: a structure that does not fit sends nothing', async () => {
    await start();
    await deps.adapters.controls.update({ dailyOrderCap: 3 }, 'test', Date.now());
    const res = await post({ strategy: 'ic', legs: condor, qty: 1, idempotency_key: 'ic-cap' });
    expect(res.status).toBe(422);
    expect(res.body.error?.message).toMatch(/daily order cap/);
    expect(fake.state.orders).toHaveLength(0);
    // The slots were given back: a one-order alert still fits.
    expect((await post({ strategy: 'trend', position: 'long', idempotency_key: 'cap-2' })).status).toBe(200);
  });

  it('refuses more than 10 legs, naming the field, before anything is sent', async () => {
    await start();
    const res = await post({ strategy: 'x', legs: Array.from({ length: 11 }, () => condor[0]), idempotency_key: 'many' });
    expect(res.status).toBe(400);
    expect(res.body.error?.fields).toHaveProperty('legs');
    expect(fake.state.orders).toHaveLength(0);
  });
});

describe('flatten', () => {
  it('sends a close above the freeze limit as one sliced order, after cancelling the other working orders in the contract', async () => {
    await start({ FREEZE_QTY_OVERRIDES: 'NIFTY=130' });
    const twice = [{ optionType: 'CE', strike: 'ATM', action: 'BUY', ratio: 2 }, { optionType: 'CE', strike: 'ATM', action: 'BUY', ratio: 2 }];
    expect((await post({ strategy: 'big', legs: twice, qty: 1, idempotency_key: 'fz-1' })).status).toBe(200);
    expect(netOf(CE.ticker)).toBe(260);
    const resting = await post({ action: 'SELL', optionType: 'CE', strikeprice: 24500, orderType: 'LIMIT', price: 190, intent: 'close', idempotency_key: 'fz-2' });
    expect(resting.status).toBe(200);
    const before = fake.state.orders.length;
    const res = await post({ strategy: 'big', intent: 'flatten', idempotency_key: 'fz-3' });
    expect(res.status).toBe(200);
    // One order with isSliceOrder (this fake knows no freeze, so it keeps it whole; the slicing is proven in strategy-protection.e2e).
    expect(sent().slice(before)).toEqual([`SELL ${CE.ticker} 260`]);
    expect(netOf(CE.ticker)).toBe(0);
    expect(fake.state.orders.find((o) => o.id === resting.body.orderId)?.status).toBe(1);
  });
});

describe("README's templates, pasted as they are", () => {
  it('position, condor and flatten templates trade against Fyers as TradingView fills them', async () => {
    await start();
    const [position, condor, flatten] = readmeTemplates();
    const fire = (t: string, marketPosition: string, timenow: string) =>
      postAlert(server.url(), asTradingViewSends(t, { secret: WEBHOOK_SECRET, marketPosition, timenow }));

    expect((await fire(position!, 'long', '2026-07-22T04:30:00Z')).status).toBe(200);
    expect(netOf(CE.ticker)).toBe(65);
    expect((await fire(position!, 'flat', '2026-07-22T04:45:00Z')).status).toBe(200);
    expect(netOf(CE.ticker)).toBe(0);
    const ic = await fire(condor!, 'long', '2026-07-22T04:50:00Z');
    expect(ic.status).toBe(200);
    expect(ic.body.legs).toHaveLength(4);
    // The flatten template names nifty-trend, which holds nothing now: nothing to send.
    const before = fake.state.orders.length;
    expect((await fire(flatten!, 'flat', '2026-07-22T05:00:00Z')).status).toBe(200);
    expect(fake.state.orders).toHaveLength(before);
  });
});

describe('sizing by risk, end to end', () => {
  it('fundsPct sizes a position from the available funds at the option price, in whole lots', async () => {
    await start();
    fake.state.funds = 500_000; // 5% = 25,000; one lot at 100 costs 6,500: 3 lots
    const res = await post({ strategy: 'sized', position: 'long', qty: { fundsPct: 5 }, idempotency_key: 'fp-1' });
    expect(res.status).toBe(200);
    expect(sent()).toEqual([`BUY ${CE.ticker} 195`]);
    expect(fake.state.requests.filter((r) => r.route === 'funds')).toHaveLength(1);
  });

  it('riskRupees sizes a single order from its sl: rupees / (sl x lot size)', async () => {
    await start();
    const res = await post({ action: 'BUY', optionType: 'CE', strikeprice: 'ATM', productType: 'CO', sl: 10, qty: { riskRupees: 2000 }, idempotency_key: 'rr-1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ lots: 3, qty: 195, productType: 'INTRADAY' });
    // CO is retired at Fyers: carried as INTRADAY (legs or managed exits, as PROTECTION says).
    expect(fake.state.orders[0]?.body).toMatchObject({ qty: 195, productType: 'INTRADAY' });
  });

  it('refuses, naming the field, when the funds do not pay for one lot', async () => {
    await start();
    fake.state.funds = 1_000;
    const res = await post({ strategy: 'sized', position: 'long', qty: { fundsPct: 50 }, idempotency_key: 'fp-2' });
    expect(res.status).toBe(422);
    expect(res.body.error?.fields).toHaveProperty('qty');
    expect(fake.state.orders).toHaveLength(0);
  });
});

describe('a strategy open whose legs Fyers refuses', () => {
  it('is placed once more without legs and protected by managed exits; the answer names the fallback', async () => {
    await start({ PROTECTION: 'legs' });
    fake.refuseLegs(CE.ticker);
    const res = await post({ strategy: 'trend', position: 'long', qty: 1, sl: 20, tp: 40, idempotency_key: 'lf-1' });
    expect(res.status).toBe(200);
    expect((res.body.notes as string[]).join(' ')).toMatch(/Fyers refused the TP\/SL legs .*sent once without them.*managed exits/);
    // Refused with legs, placed without, then the stop and the target: the fill, read back from the
    // orderbook by the executor, armed the bridge's own exits at once.
    expect(fake.state.requests.filter((r) => r.route === 'place-order').map((r) => r.status)).toEqual([400, 200, 200, 200]);
    expect(fake.state.orders[0]!.body).not.toHaveProperty('legType');
    expect(fake.state.orders[0]!.body).toMatchObject({ symbol: CE.ticker, side: 1, qty: 65, stopLoss: 0, takeProfit: 0 });
    const exits = fake.state.orders.slice(1).map((o) => `${o.side === 1 ? 'BUY' : 'SELL'} ${o.type === 4 ? 'SL-L' : 'LIMIT'} ${o.qty}`).sort();
    expect(exits).toEqual(['SELL LIMIT 65', 'SELL SL-L 65']);
  });
});
