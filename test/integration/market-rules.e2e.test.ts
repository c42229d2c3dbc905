import { istInstant } from '../../shared/platform/ist';
import { nextMarketOpen, startFyersApp, type FyersApp } from '../helpers/fyers-app';

/**
 * The late-2026 market rules end to end: the whole product on the local store against the fake Fyers,
 * with the sample master's real facts (BANKNIFTY lot 30, NSE session to 15:40) and BANKNIFTY's freeze
 * quantity of 600 units (in force since Nov 2025) at the fake, as at the exchange.
 */
const BN_FREEZE = 600;
let app: FyersApp;

async function start(env: Record<string, string> = {}, startAt = nextMarketOpen() + 3_600_000): Promise<FyersApp> {
  app = await startFyersApp({ store: 'local', startAt, env: { MAX_LOTS: '400', ...env } });
  for (const inst of app.fake.state.instruments.values()) if (inst.ticker.startsWith('NSE:BANKNIFTY')) inst.freezeQty = BN_FREEZE;
  return app;
}
afterEach(async () => {
  await app?.close();
});

const bankNifty = (over: Record<string, unknown> = {}) => app.alert({ symbol: 'BANKNIFTY', strikeprice: 52_000, ...over });
const placeRequests = () => app.fake.state.requests.filter((r) => r.route === 'place-order');

describe('slicing above the freeze quantity', () => {
  it('50 lots of BANKNIFTY (1500 units, freeze 600) go as one isSliceOrder request: 600 + 600 + 300, one tag, every slice in the answer', async () => {
    await start();
    const r = await app.post(bankNifty({ qty: 50 }));
    expect(r.status).toBe(200);
    const orders = app.fake.state.orders;
    expect(orders.map((o) => o.qty)).toEqual([600, 600, 300]);
    expect(new Set(orders.map((o) => o.orderTag)).size).toBe(1);
    expect(placeRequests()).toHaveLength(1);
    expect(orders[0]!.body).toMatchObject({ isSliceOrder: true });
    expect(r.body).toMatchObject({
      status: 'accepted', lots: 50, qty: 1500, orderId: orders[0]!.id,
      slices: orders.map((o) => ({ qty: o.qty, orderId: o.id, status: 'accepted' })),
    });
    // A resend is the same alert: the stored result, with its slices, and nothing new at Fyers.
    const again = await app.post(bankNifty({ qty: 50 }));
    expect(again.body).toMatchObject({ status: 'duplicate', originalStatus: 'accepted', slices: r.body.slices });
    expect(placeRequests()).toHaveLength(1);
  });

  it('a sliced order whose answer was lost is found by its tag, every slice listed, never re-sent', async () => {
    await start();
    app.fake.inject('place-order', { kind: 'reset', phase: 'after' }, 1);
    const r = await app.post(bankNifty({ qty: 50 }));
    const orders = app.fake.state.orders;
    expect(orders).toHaveLength(3);
    expect(r.status).toBe(200);
    // The fake fills market slices at once, so the orderbook says filled, and so does the answer.
    expect(r.body).toMatchObject({ status: 'filled', recoveredBy: 'orderbook-tag', slices: orders.map((o) => ({ qty: o.qty, orderId: o.id, status: 'accepted' })) });
    expect(placeRequests()).toHaveLength(1);
  });

  it('a close above the freeze quantity is sliced too, capped at the open position', async () => {
    await start();
    const ticker = ((await app.post(bankNifty({ qty: 1 }))).body.symbol) as string;
    app.fake.setPosition(ticker, 'INTRADAY', 1500);
    const r = await app.post(bankNifty({ action: 'SELL', intent: 'close', qty: 60 }));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'accepted', lots: 50, qty: 1500 });
    expect((r.body.slices as unknown[]).length).toBe(3);
    expect(app.fake.state.orders.slice(1).map((o) => [o.side, o.qty])).toEqual([[-1, 600], [-1, 600], [-1, 300]]);
  });

  it('more than 10 slices is refused before anything is sent, naming both limits', async () => {
    await start();
    const r = await app.post(bankNifty({ qty: 201 }));
    expect(r.status).toBe(422);
    expect((r.body.error as { message: string }).message).toBe(
      'qty 201 lots (6030 units) needs 11 slices at the freeze limit of 600 units (20 lots each); at most 10 slices (200 lots) go in one order',
    );
    expect(placeRequests()).toHaveLength(0);
  });
});

describe('accepted is not filled (MPP), and LIMIT prices near the LTP', () => {
  it('a MARKET order that rests under price protection is answered accepted, never filled', async () => {
    await start();
    app.fake.restMarketOrders(true);
    const r = await app.post(app.alert());
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('accepted');
    expect(app.fake.state.orders[0]!.status).toBe(6);
  });

  it("a LIMIT at the index's price for a ₹281 option is refused with both prices; nothing is sent", async () => {
    await start();
    const probe = await app.post(app.alert({ idempotency_key: 'probe' }));
    app.fake.setLtp(probe.body.symbol as string, 281);
    const r = await app.post(app.alert({ orderType: 'LIMIT', price: 24512.35, idempotency_key: 'limit' }));
    expect(r.status).toBe(422);
    expect((r.body.error as { message: string }).message).toBe(
      "price 24512.35 is more than 20% away from the option's last traded price 281 (allowed 224.8–337.2); was the underlying's price sent instead of the option's?",
    );
    expect((r.body.error as { fields: Record<string, string> }).fields).toHaveProperty('price');
    expect(placeRequests()).toHaveLength(1);
    const ok = await app.post(app.alert({ orderType: 'LIMIT', price: 280, idempotency_key: 'limit-ok' }));
    expect(ok.body.status).toBe('accepted');
  });
});

describe('protection', () => {
  it('PROTECTION=legs (default): sl/tp on INTRADAY go as TP/SL legs with legType 1', async () => {
    await start();
    const r = await app.post(app.alert({ sl: 20, tp: 40 }));
    expect(r.status).toBe(200);
    expect(app.fake.state.orders[0]!.body).toMatchObject({ productType: 'INTRADAY', stopLoss: 20, takeProfit: 40, legType: 1 });
    expect(r.body).toMatchObject({ status: 'accepted' });
    // The levels need the option's price, which a MARKET reply never spends a broker call on: with no
    // quote of it shared within the last second they are left out (the offsets above went to Fyers).
    expect(r.body).toMatchObject({ ltp: null, stopLossPrice: null, takeProfitPrice: null });
  });

  it('a CO alert (retired at Fyers) is carried as INTRADAY with a stop leg only, and says so; no CO reaches Fyers', async () => {
    await start({ PROTECTION: 'legs' });
    const co = await app.post(app.alert({ productType: 'CO', sl: 20 }));
    expect(co.status).toBe(200);
    expect(app.fake.state.orders[0]!.body).toMatchObject({ productType: 'INTRADAY', stopLoss: 20, takeProfit: 0, legType: 1 });
    expect((co.body.notes as string[])[0]).toMatch(/productType CO is retired at Fyers/);
    expect(app.fake.state.orders.some((o) => o.productType === 'CO' || o.productType === 'BO')).toBe(false);
  });

  it('PROTECTION=managed: a BO alert is carried as INTRADAY without legs, its offsets handed to managed exits', async () => {
    await start({ PROTECTION: 'managed' });
    const bo = await app.post(app.alert({ productType: 'BO', sl: 20, tp: 40 }));
    expect(bo.status).toBe(200);
    expect(app.fake.state.orders[0]!.body).toMatchObject({ productType: 'INTRADAY', stopLoss: 0, takeProfit: 0 });
    expect(app.fake.state.orders[0]!.body).not.toHaveProperty('legType');
    expect(bo.body).toMatchObject({ managedProtection: { stopLossOffset: 20, takeProfitOffset: 40 } });
    expect((bo.body.notes as string[])[0]).toMatch(/INTRADAY with managed exits/);
  });

  it('PROTECTION=managed: the order goes without legs and the result hands the offsets to managed protection', async () => {
    await start({ PROTECTION: 'managed' });
    const r = await app.post(app.alert({ sl: 20 }));
    expect(r.status).toBe(200);
    expect(app.fake.state.orders[0]!.body).toMatchObject({ stopLoss: 0, takeProfit: 0 });
    expect(app.fake.state.orders[0]!.body).not.toHaveProperty('legType');
    expect(r.body.managedProtection).toEqual({ stopLossOffset: 20 });
  });
});

describe('sessions per exchange, enforced', () => {
  const day = () => new Date(nextMarketOpen() + 330 * 60_000).toISOString().slice(0, 10);

  it('at 15:35 IST NSE and BSE alerts both trade (both F&O closes moved to 15:40 on 3 Aug 2026)', async () => {
    await start({ ENFORCE_TRADING_WINDOW: 'true' }, istInstant(day(), 15, 35));
    expect((await app.post(app.alert())).status).toBe(200);
    expect((await app.post(app.alert({ symbol: 'SENSEX', strikeprice: 80_500 }))).status).toBe(200);
  });

  it('at 15:40 IST a BSE alert is refused quoting the BSE session', async () => {
    await start({ ENFORCE_TRADING_WINDOW: 'true' }, istInstant(day(), 15, 40));
    const bse = await app.post(app.alert({ symbol: 'SENSEX', strikeprice: 80_500 }));
    expect(bse.status).toBe(403);
    expect((bse.body.error as { message: string }).message).toBe('Outside trading hours: the BSE F&O session is 09:15-15:40 IST on trading days');
  });
});
