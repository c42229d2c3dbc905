import { basketOutcomes } from '../../../shared/broker/fyers/fyers.basket';
import { dump, marketBuy, startKit, TICKER, type Kit } from './fyers-test-kit';

/** The Fyers adapter's basket, funds and P&L reads against the fake Fyers server. */
let kit: Kit;
afterEach(async () => {
  expect(dump(kit.logger.entries)).not.toContain(kit.token);
  await kit.fake.close();
});
beforeEach(async () => {
  kit = await startKit();
});

const PE = 'NSE:NIFTY2672124400PE';

describe('placeBasket (POST /multi-order/sync)', () => {
  it('sends one request with every order and answers per order, in order, even when the outer reply says ok', async () => {
    kit.fake.rejectSymbol(PE, 'RMS:Margin Shortfall');
    const outcomes = await kit.api.placeBasket([marketBuy({ orderTag: 'tvleg0' }), marketBuy({ symbol: PE, side: 'SELL', orderTag: 'tvleg1' }), marketBuy({ qty: 50, orderTag: 'tvleg2' })]);
    expect(kit.fake.state.requests.filter((r) => r.route === 'multi-order')).toHaveLength(1);
    expect(outcomes).toEqual([
      { status: 'placed', orderId: kit.fake.state.orders[0]!.id, message: 'Successfully placed order' },
      { status: 'rejected', code: -99, reason: 'RMS:Margin Shortfall' },
      { status: 'rejected', code: -50, reason: 'Invalid qty. Quantity should be a multiple of lot size 65' },
    ]);
    expect(kit.fake.state.orders.map((o) => o.orderTag)).toEqual(['1:tvleg0']);
  });

  it('refuses more than 10 orders before sending anything', async () => {
    await expect(kit.api.placeBasket(Array.from({ length: 11 }, (_, i) => marketBuy({ orderTag: `tv${i}` })))).rejects.toThrow(/at most 10/);
    expect(kit.fake.state.requests.filter((r) => r.route === 'multi-order')).toHaveLength(0);
  });

  it('answers unknown for every order when the reply is lost after Fyers took the basket', async () => {
    kit.fake.inject('multi-order', { kind: 'reset', phase: 'after' }, 1);
    const outcomes = await kit.api.placeBasket([marketBuy({ orderTag: 'tva' }), marketBuy({ orderTag: 'tvb' })]);
    expect(outcomes.map((o) => o.status)).toEqual(['unknown', 'unknown']);
    expect(kit.fake.state.orders).toHaveLength(2);
  });

  it('never reads an outer ok without per-order results as placed', () => {
    const reply = { httpStatus: 200, body: { s: 'ok', code: 200, message: '' }, headers: new Headers() };
    expect(basketOutcomes(reply, 2).map((o) => o.status)).toEqual(['unknown', 'unknown']);
    const refused = { httpStatus: 400, body: { s: 'error', code: -50, message: 'Invalid input' }, headers: new Headers() };
    expect(basketOutcomes(refused, 2)).toEqual([
      { status: 'rejected', code: -50, reason: 'Invalid input' },
      { status: 'rejected', code: -50, reason: 'Invalid input' },
    ]);
  });
});

describe('getFunds and positions P&L', () => {
  it('reads the available balance (fund id 10)', async () => {
    kit.fake.state.funds = 123_456.5;
    expect(await kit.api.getFunds()).toEqual({ available: 123_456.5 });
  });

  it('reads realised and unrealised P&L per position', async () => {
    kit.fake.setLtp(TICKER, 100);
    await kit.api.placeOrder(marketBuy({ qty: 130 }));
    await kit.api.placeOrder(marketBuy({ side: 'SELL', qty: 65, orderTag: 'tvsell' }));
    kit.fake.setLtp(TICKER, 90);
    const [p] = await kit.api.getPositions();
    expect(p).toEqual({ symbol: TICKER, netQty: 65, productType: 'INTRADAY', avgPrice: 100, ltp: 90, pnl: -650, realized: 0, unrealized: -650 });
  });
});
