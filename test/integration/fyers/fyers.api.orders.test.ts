import { BrokerRateLimitedError, BrokerRejectedError } from '../../../shared/errors';
import type { PlaceOutcome } from '../../../shared/broker/broker.port';
import { dump, eventually, marketBuy, startKit, TICKER, type Kit } from './fyers-test-kit';

/**
 * The Fyers adapter's order management after placement (modify, cancel, the tradebook, the orderbook by
 * id, stop-limit orders) against the fake Fyers server. The fake's LTP for TICKER starts at 152.35.
 */
let kit: Kit;
afterEach(async () => {
  expect(dump(kit.logger.entries)).not.toContain(kit.token);
  await kit.fake.close();
});

const idOf = (o: PlaceOutcome): string => {
  if (o.status !== 'placed') throw new Error(`expected a placed order, got ${JSON.stringify(o)}`);
  return o.orderId;
};
/** A buy limit far below the market: it rests until moved. */
const restingBuy = (tag = 'tvRest1') => marketBuy({ orderType: 'LIMIT', limitPrice: 1.05, orderTag: tag });
const lastRequest = () => kit.fake.state.requests.at(-1);

describe('cancelOrder (DELETE /orders/sync)', () => {
  beforeEach(async () => { kit = await startKit({}, 300); });

  it('cancels a resting order', async () => {
    const id = idOf(await kit.api.placeOrder(restingBuy()));
    expect(await kit.api.cancelOrder(id)).toEqual({ status: 'cancelled' });
    expect(lastRequest()).toMatchObject({ method: 'DELETE', url: '/api/v3/orders/sync', status: 200 });
    expect(await kit.api.findOrders({ id })).toEqual([expect.objectContaining({ orderId: id, state: 'cancelled' })]);
  });

  it('is not-open, with Fyers\' reason, for a filled order and for an id Fyers does not know', async () => {
    const filled = idOf(await kit.api.placeOrder(marketBuy()));
    expect(await kit.api.cancelOrder(filled)).toEqual({ status: 'not-open', reason: expect.stringMatching(/traded/) });
    expect(await kit.api.cancelOrder('26072199999999')).toEqual({ status: 'not-open', reason: 'Invalid order id' });
    expect(kit.fake.state.orders[0]?.status).toBe(2);
  });

  it('is unknown when no answer comes in time, while Fyers goes on to cancel it', async () => {
    const id = idOf(await kit.api.placeOrder(restingBuy()));
    kit.fake.inject('cancel-order', { kind: 'latency', ms: 800 }, 1);
    expect(await kit.api.cancelOrder(id)).toEqual({ status: 'unknown', reason: expect.any(String) });
    await eventually(() => kit.fake.state.orders[0]?.status === 1);
  });

  it('is unknown when the connection drops after Fyers cancelled, and on a 5xx', async () => {
    const a = idOf(await kit.api.placeOrder(restingBuy('tvA')));
    const b = idOf(await kit.api.placeOrder(restingBuy('tvB')));
    kit.fake.inject('cancel-order', { kind: 'reset', phase: 'after' }, 1);
    expect(await kit.api.cancelOrder(a)).toMatchObject({ status: 'unknown' });
    expect(kit.fake.state.orders[0]?.status).toBe(1);
    kit.fake.inject('cancel-order', { kind: 'status', status: 502, body: { s: 'error', code: -99, message: 'gateway' } }, 1);
    expect(await kit.api.cancelOrder(b)).toMatchObject({ status: 'unknown', reason: expect.stringContaining('502') });
  });

  it('throws on a rate-limit refusal: nothing happened at Fyers, so the caller may try again', async () => {
    const id = idOf(await kit.api.placeOrder(restingBuy()));
    kit.fake.inject('cancel-order', { kind: 'rate-limited', retryAfterMs: 1200 }, 1);
    await expect(kit.api.cancelOrder(id)).rejects.toBeInstanceOf(BrokerRateLimitedError);
    expect(kit.fake.state.orders[0]?.status).toBe(6);
  });
});

describe('modifyOrder (PATCH /orders/sync)', () => {
  beforeEach(async () => { kit = await startKit({}, 300); });

  it('moves a resting limit; moved to a marketable price it fills', async () => {
    const id = idOf(await kit.api.placeOrder(restingBuy()));
    expect(await kit.api.modifyOrder(id, { limitPrice: 2.1 })).toEqual({ status: 'modified' });
    expect(lastRequest()).toMatchObject({ method: 'PATCH', url: '/api/v3/orders/sync', status: 200 });
    expect(kit.fake.state.orders[0]).toMatchObject({ limitPrice: 2.1, qty: 65, status: 6 });

    expect(await kit.api.modifyOrder(id, { limitPrice: 153, qty: 130 })).toEqual({ status: 'modified' });
    expect(await kit.api.findOrders({ id })).toEqual([expect.objectContaining({ state: 'filled', qty: 130, filledQty: 130, avgPrice: 152.35 })]);
  });

  it('is refused, with Fyers\' reason, for a filled order and for a price off the tick', async () => {
    const filled = idOf(await kit.api.placeOrder(marketBuy()));
    expect(await kit.api.modifyOrder(filled, { qty: 130 })).toEqual({ status: 'refused', reason: expect.stringMatching(/not pending/) });
    const resting = idOf(await kit.api.placeOrder(restingBuy()));
    expect(await kit.api.modifyOrder(resting, { limitPrice: 1.07 })).toEqual({ status: 'refused', reason: 'Invalid limitPrice' });
    expect(kit.fake.state.orders[1]?.limitPrice).toBe(1.05);
  });

  it('is unknown when no answer comes in time, while Fyers goes on to apply it', async () => {
    const id = idOf(await kit.api.placeOrder(restingBuy()));
    kit.fake.inject('modify-order', { kind: 'latency', ms: 800 }, 1);
    expect(await kit.api.modifyOrder(id, { limitPrice: 2 })).toMatchObject({ status: 'unknown' });
    await eventually(() => kit.fake.state.orders[0]?.limitPrice === 2);
  });
});

describe('tradebook (GET /tradebook)', () => {
  beforeEach(async () => { kit = await startKit(); });

  it('lists every fill, partial ones included, with the order id, price and IST time', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const market = idOf(await kit.api.placeOrder(marketBuy()));
    const limit = idOf(await kit.api.placeOrder(marketBuy({ qty: 130, orderType: 'LIMIT', limitPrice: 150, orderTag: 'tvPart' })));
    kit.fake.lifecycle.fillNow(limit, 65, 149.5);
    const fills = await kit.api.tradebook();
    expect(fills).toEqual([
      { orderId: market, tradeId: expect.any(String), qty: 65, price: 152.35, at: expect.any(Number) },
      { orderId: limit, tradeId: expect.any(String), qty: 65, price: 149.5, at: expect.any(Number) },
    ]);
    expect(new Set(fills.map((f) => f.tradeId)).size).toBe(2);
    expect(fills[0]!.at).toBeGreaterThanOrEqual(before);
    expect(await kit.api.findOrders({ id: limit })).toEqual([expect.objectContaining({ state: 'partially_filled', filledQty: 65 })]);
  });

  it('is empty before anything traded, and a failed read throws rather than answering empty', async () => {
    expect(await kit.api.tradebook()).toEqual([]);
    kit.fake.inject('tradebook', { kind: 'status', status: 503 }, 1);
    await expect(kit.api.tradebook()).rejects.toThrow(/tradebook/);
  });
});

describe('findOrders by id (GET /orders?id=)', () => {
  beforeEach(async () => { kit = await startKit(); });

  it('asks Fyers for that order only and answers just it', async () => {
    await kit.api.placeOrder(marketBuy({ orderTag: 'tvOne' }));
    const id = idOf(await kit.api.placeOrder(restingBuy('tvTwo')));
    await kit.api.placeOrder(marketBuy({ orderTag: 'tvThree' }));
    expect(await kit.api.findOrders({ id })).toEqual([expect.objectContaining({ orderId: id, orderTag: 'tvTwo', state: 'working', filledQty: 0 })]);
    expect(lastRequest()?.url).toBe(`/api/v3/orders?id=${id}`);
  });

  it('answers nothing for an unknown id, and nothing when the tag given with the id does not match', async () => {
    const id = idOf(await kit.api.placeOrder(marketBuy({ orderTag: 'tvOne' })));
    expect(await kit.api.findOrders({ id: '26072199999999' })).toEqual([]);
    expect(await kit.api.findOrders({ id, tag: 'tvOther' })).toEqual([]);
    expect(await kit.api.findOrders({ id, tag: 'tvOne' })).toHaveLength(1);
  });

  it('does not trust the server filter: rows for other ids are dropped', async () => {
    const a = idOf(await kit.api.placeOrder(marketBuy({ orderTag: 'tvA' })));
    const b = idOf(await kit.api.placeOrder(marketBuy({ orderTag: 'tvB' })));
    // A Fyers that ignored the filter would answer the whole book.
    const book = await kit.api.findOrders({});
    const whole = { s: 'ok', code: 200, message: '', orderBook: book.map((o) => ({ id: o.orderId, symbol: o.symbol, side: 1, qty: o.qty, status: 2, filledQty: o.qty })) };
    kit.fake.inject('orderbook', { kind: 'status', status: 200, body: whole }, 1);
    expect((await kit.api.findOrders({ id: b })).map((o) => o.orderId)).toEqual([b]);
    expect(a).not.toBe(b);
  });
});

describe('STOP_LIMIT orders (Fyers type 4, SL-L)', () => {
  beforeEach(async () => { kit = await startKit(); });

  it('sends type 4 with the trigger and the limit, rests, and fills once the price crosses the trigger', async () => {
    const id = idOf(await kit.api.placeOrder(marketBuy({ side: 'SELL', orderType: 'STOP_LIMIT', stopPrice: 140, limitPrice: 139.5, orderTag: 'tvStop1' })));
    expect(kit.fake.state.orders[0]?.body).toMatchObject({ symbol: TICKER, type: 4, side: -1, stopPrice: 140, limitPrice: 139.5 });
    kit.fake.setLtp(TICKER, 141);
    expect(await kit.api.findOrders({ id })).toEqual([expect.objectContaining({ state: 'working' })]);
    kit.fake.setLtp(TICKER, 139.9);
    expect(await kit.api.findOrders({ id })).toEqual([expect.objectContaining({ state: 'filled', avgPrice: 139.9 })]);
  });

  it('moves the trigger of a resting stop-limit with modify', async () => {
    const id = idOf(await kit.api.placeOrder(marketBuy({ side: 'SELL', orderType: 'STOP_LIMIT', stopPrice: 140, limitPrice: 139.5 })));
    expect(await kit.api.modifyOrder(id, { stopPrice: 145, limitPrice: 144.5 })).toEqual({ status: 'modified' });
    kit.fake.setLtp(TICKER, 144.9);
    expect(await kit.api.findOrders({ id })).toEqual([expect.objectContaining({ state: 'filled' })]);
  });

  it('is refused before sending without a trigger price', async () => {
    await expect(kit.api.placeOrder(marketBuy({ orderType: 'STOP_LIMIT', limitPrice: 150 }))).rejects.toBeInstanceOf(BrokerRejectedError);
    expect(kit.fake.state.requests).toHaveLength(0);
  });
});
