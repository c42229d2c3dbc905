import { marketBuy, startKit, type Kit } from './fyers-test-kit';

/**
 * Slicing above the freeze quantity (Fyers `isSliceOrder`), TP/SL legs on INTRADAY/MARGIN (`legType`) and the
 * attach-legs call, between the Fyers adapter and the fake, with the real BANKNIFTY facts: lot 30, tick 0.05 for
 * options, exchange freeze 600 units since Nov 2025.
 */
const BN = 'NSE:BANKNIFTY26AUG52000CE';
let kit: Kit;
beforeEach(async () => {
  kit = await startKit({ instruments: [{ ticker: BN, lotSize: 30, tickSize: 0.05, freezeQty: 600 }], ltp: { [BN]: 281.4 } });
});
afterEach(async () => {
  await kit.fake.close();
});

describe('slicing above the freeze quantity', () => {
  it('sends isSliceOrder and reads every slice: 1500 units at a 600 freeze are 600 + 600 + 300, all under one tag', async () => {
    const outcome = await kit.api.placeOrder(marketBuy({ symbol: BN, qty: 1500, slice: true, orderTag: 'tvSlice1' }));
    const orders = kit.fake.state.orders;
    expect(orders.map((o) => o.qty)).toEqual([600, 600, 300]);
    expect(orders.every((o) => o.orderTag === '1:tvSlice1')).toBe(true);
    expect(orders[0]!.body).toMatchObject({ isSliceOrder: true, qty: 600 });
    expect(outcome).toEqual({
      status: 'placed', orderId: orders[0]!.id, message: 'Order Slice placed successfully',
      slices: orders.map((o) => ({ orderId: o.id, status: 'accepted' })),
    });
  });

  it('without slicing the exchange refuses an order above the freeze quantity', async () => {
    const outcome = await kit.api.placeOrder(marketBuy({ symbol: BN, qty: 630 }));
    expect(outcome).toEqual({ status: 'rejected', code: -99, reason: 'Order quantity 630 exceeds the freeze quantity 600' });
  });

  it('more than 10 slices is refused by Fyers, and nothing is placed', async () => {
    const outcome = await kit.api.placeOrder(marketBuy({ symbol: BN, qty: 600 * 10 + 30, slice: true }));
    expect(outcome).toMatchObject({ status: 'rejected', code: -50 });
    expect(kit.fake.state.orders).toHaveLength(0);
  });
});

describe('TP/SL legs', () => {
  it('sends stopLoss/takeProfit on INTRADAY with legType 1 (points)', async () => {
    const outcome = await kit.api.placeOrder(marketBuy({ symbol: BN, qty: 30, stopLoss: 20, takeProfit: 40.5, legs: 'points' }));
    expect(outcome.status).toBe('placed');
    expect(kit.fake.state.orders[0]!.body).toMatchObject({ productType: 'INTRADAY', stopLoss: 20, takeProfit: 40.5, legType: 1 });
    expect(kit.fake.state.orders[0]!.legType).toBe(1);
  });

  it('the fake refuses a legType other than 1 or 2, and CO/BO with -1800 as the Go SDK documents; the api never sends CO/BO', async () => {
    const res = await fetch(`${kit.fake.apiUrl}/orders/sync`, {
      method: 'POST',
      headers: { authorization: `${kit.fake.state.appId}:${kit.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ symbol: BN, qty: 30, type: 2, side: 1, productType: 'INTRADAY', limitPrice: 0, stopPrice: 0, validity: 'DAY', disclosedQty: 0, offlineOrder: false, stopLoss: 20, takeProfit: 0, legType: 3 }),
    });
    expect(await res.json()).toMatchObject({ s: 'error', code: -50, message: 'Invalid legType. Allowed values are 1 (points) and 2 (percent)' });
    const bo = await fetch(`${kit.fake.apiUrl}/orders/sync`, {
      method: 'POST',
      headers: { authorization: `${kit.fake.state.appId}:${kit.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ symbol: BN, qty: 30, type: 2, side: 1, productType: 'BO', limitPrice: 0, stopPrice: 0, validity: 'DAY', disclosedQty: 0, offlineOrder: false, stopLoss: 20, takeProfit: 40 }),
    });
    expect(bo.status).toBe(400);
    expect(await bo.json()).toMatchObject({ s: 'error', code: -1800 });
    const before = kit.fake.state.requests.length;
    await expect(kit.api.placeOrder(marketBuy({ symbol: BN, qty: 30, productType: 'BO' as 'INTRADAY', stopLoss: 20, takeProfit: 40, legs: 'points' }))).rejects.toThrow(/retired CO and BO/);
    expect(kit.fake.state.requests.length).toBe(before);
  });

  it('the fake attaches legs to an open position (PATCH /positions) and refuses an unknown one', async () => {
    kit.fake.setPosition(BN, 'INTRADAY', 60);
    const call = (body: unknown) => fetch(`${kit.fake.apiUrl}/positions`, {
      method: 'PATCH',
      headers: { authorization: `${kit.fake.state.appId}:${kit.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json());
    expect(await call({ positionId: `${BN}-INTRADAY`, takeProfit: 2.5, stopLoss: 1.5, legType: 2 })).toMatchObject({ s: 'ok' });
    expect(kit.fake.state.positions.get(`${BN}-INTRADAY`)!.legs).toEqual({ takeProfit: 2.5, stopLoss: 1.5, legType: 2, qty: 60 });
    expect(await call({ positionId: `${BN}-MARGIN`, takeProfit: 2.5 })).toMatchObject({ s: 'error', code: -53 });
  });
});

describe('MPP: an accepted MARKET order is not a filled one', () => {
  it('with market orders resting, the order is placed but the orderbook shows it working, not filled', async () => {
    kit.fake.restMarketOrders(true);
    const outcome = await kit.api.placeOrder(marketBuy({ symbol: BN, qty: 30 }));
    expect(outcome.status).toBe('placed');
    const [o] = await kit.api.findOrders({ tag: 'tvA1b2c3' });
    expect(o).toBeDefined();
    expect(kit.fake.state.orders[0]!.status).toBe(6);
    expect(kit.fake.state.positions.size).toBe(0);
  });
});
