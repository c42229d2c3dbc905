import { createFyersApi } from '../../../shared/broker/fyers/fyers.api';
import { BrokerRateLimitedError, BrokerUnavailableError, SessionExpiredError } from '../../../shared/errors';
import { startFakeFyers } from '../../fake-fyers';
import { dump, marketBuy, startKit, TICKER, type Kit } from './fyers-test-kit';

let kit: Kit;
afterEach(async () => {
  expect(dump(kit.logger.entries)).not.toContain(kit.token);
  await kit.fake.close();
});

describe('getQuotes', () => {
  beforeEach(async () => { kit = await startKit(); });

  it('returns LTPs by ticker and leaves unknown tickers out', async () => {
    kit.fake.setLtp(TICKER, 187.45);
    const quotes = await kit.api.getQuotes([TICKER, 'NSE:NIFTY50-INDEX', 'NSE:NOPE26JULFUT']);
    expect(quotes).toEqual(new Map([[TICKER, 187.45], ['NSE:NIFTY50-INDEX', 24410.5]]));
  });

  it('splits more than 50 tickers into calls of at most 50', async () => {
    const tickers = Array.from({ length: 60 }, (_, i) => `NSE:T${i}-EQ`);
    tickers.forEach((t, i) => kit.fake.setLtp(t, i + 1));
    const quotes = await kit.api.getQuotes(tickers);
    expect(quotes.size).toBe(60);
    expect(quotes.get('NSE:T59-EQ')).toBe(60);
    expect(kit.fake.state.requests.filter((r) => r.route === 'quotes')).toHaveLength(2);
  });

  it('throws SessionExpiredError on the data host\'s dead-token answer (-15, even with HTTP 200)', async () => {
    kit.fake.killTokens({ httpStatus: 200 });
    await expect(kit.api.getQuotes([TICKER])).rejects.toBeInstanceOf(SessionExpiredError);
  });

  it('throws BrokerUnavailableError on 5xx, reset and a timeout', async () => {
    const broker = createFyersApi({ apiUrl: kit.fake.apiUrl, dataUrl: kit.fake.dataUrl, appId: kit.fake.state.appId, accessToken: async () => kit.token, timeoutMs: 200, logger: kit.logger });
    kit.fake.inject('quotes', { kind: 'status', status: 503 }, 1);
    await expect(broker.getQuotes([TICKER])).rejects.toBeInstanceOf(BrokerUnavailableError);
    kit.fake.inject('quotes', { kind: 'reset' }, 1);
    await expect(broker.getQuotes([TICKER])).rejects.toBeInstanceOf(BrokerUnavailableError);
    kit.fake.inject('quotes', { kind: 'latency', ms: 500 }, 1);
    await expect(broker.getQuotes([TICKER])).rejects.toMatchObject({ details: { transport: 'timeout' } });
  });
});

describe('getPositions', () => {
  beforeEach(async () => { kit = await startKit(); });

  it('maps netPositions to signed quantities, with average, LTP and the day\'s P&L (netAvg, ltp, pl)', async () => {
    kit.fake.setPosition(TICKER, 'INTRADAY', -130);
    await kit.api.placeOrder(marketBuy({ symbol: 'NSE:NIFTY26JULFUT', productType: 'MARGIN', orderTag: undefined }));
    kit.fake.setLtp('NSE:NIFTY26JULFUT', 102.5);
    const positions = await kit.api.getPositions();
    expect(positions).toEqual([
      { symbol: TICKER, netQty: -130, productType: 'INTRADAY', avgPrice: 152.35, ltp: expect.any(Number), pnl: expect.any(Number), realized: expect.any(Number), unrealized: expect.any(Number) },
      // Bought 65 at the fake's fill price of 100, now at 102.5: +162.5, all of it still open.
      { symbol: 'NSE:NIFTY26JULFUT', netQty: 65, productType: 'MARGIN', avgPrice: 100, ltp: 102.5, pnl: 162.5, realized: 0, unrealized: 162.5 },
    ]);
  });

  it('throws BrokerRateLimitedError on 429', async () => {
    kit.fake.inject('positions', { kind: 'rate-limited', retryAfterMs: 700 }, 1);
    await expect(kit.api.getPositions()).rejects.toBeInstanceOf(BrokerRateLimitedError);
  });
});

describe('findOrders', () => {
  it.each([true, false])('finds the order by its tag (Fyers stores the 1: prefix: %s)', async (tagPrefix) => {
    kit = await startKit({ tagPrefix });
    await kit.api.placeOrder(marketBuy({ orderTag: 'other1' }));
    const placed = await kit.api.placeOrder(marketBuy({ orderTag: 'tvKey42', side: 'SELL' }));
    await kit.api.placeOrder(marketBuy({ orderTag: undefined }));
    const found = await kit.api.findOrders({ tag: 'tvKey42' });
    expect(found).toEqual([expect.objectContaining({
      orderId: placed.status === 'placed' ? placed.orderId : 'x', symbol: TICKER, side: 'SELL', qty: 65, productType: 'INTRADAY', state: 'filled', orderTag: 'tvKey42',
    })]);
    expect(kit.fake.state.requests.at(-1)?.url).toBe('/api/v3/orders?order_tag=1%3AtvKey42');
    expect(await kit.api.findOrders({ tag: 'nothing' })).toEqual([]);
  });

  it('lists the whole book without a tag, untagged orders without orderTag, with the IST time as epoch ms', async () => {
    // The fake's clock stands still, so the orderbook's IST time must read back as exactly that instant.
    const at = Date.UTC(2026, 6, 22, 4, 30, 15, 700);
    kit = await startKit({ clock: () => at });
    await kit.api.placeOrder(marketBuy({ orderTag: undefined, orderType: 'LIMIT', limitPrice: 150 }));
    const [order, ...rest] = await kit.api.findOrders({});
    expect(rest).toEqual([]);
    expect(order).not.toHaveProperty('orderTag');
    expect(order?.state).toBe('working');
    // orderDateTime has whole seconds.
    expect(order?.placedAt).toBe(Math.floor(at / 1000) * 1000);
  });

  it('falls back to filtering the whole book when Fyers refuses the tag filter', async () => {
    kit = await startKit();
    await kit.api.placeOrder(marketBuy({ orderTag: 'tvKey42' }));
    kit.fake.inject('orderbook', { kind: 'status', status: 200, body: { s: 'error', code: -99, message: 'No data found' } }, 1);
    expect(await kit.api.findOrders({ tag: 'tvKey42' })).toHaveLength(1);
    expect(kit.fake.state.requests.at(-1)?.url).toBe('/api/v3/orders');
  });

  it('does not fall back on a timeout (throws: the caller cannot know)', async () => {
    kit = await startKit({}, 200);
    kit.fake.inject('orderbook', { kind: 'latency', ms: 500 }, 1);
    await expect(kit.api.findOrders({ tag: 'tvKey42' })).rejects.toBeInstanceOf(BrokerUnavailableError);
  });
});

describe('checkSession', () => {
  it('is valid with the JWT expiry while the token works, and invalid once Fyers kills it', async () => {
    kit = await startKit();
    const expSec = Math.floor(Date.now() / 1000) + 3600;
    const token = kit.fake.issueAccessToken(expSec);
    const broker = createFyersApi({ apiUrl: kit.fake.apiUrl, dataUrl: kit.fake.dataUrl, appId: kit.fake.state.appId, accessToken: async () => token, logger: kit.logger });
    expect(await broker.checkSession()).toEqual({ valid: true, expiresAt: expSec * 1000 });
    kit.fake.killTokens({ code: -8, httpStatus: 200 });
    expect(await broker.checkSession()).toEqual({ valid: false, reason: 'Your token has expired', expiresAt: expSec * 1000 });
    expect(dump(kit.logger.entries)).not.toContain(token);
  });

  it('is invalid without a token, and throws when Fyers is unreachable', async () => {
    kit = await startKit();
    const none = createFyersApi({ apiUrl: kit.fake.apiUrl, dataUrl: kit.fake.dataUrl, appId: 'A-100', accessToken: async () => undefined, logger: kit.logger });
    expect(await none.checkSession()).toMatchObject({ valid: false });
    const gone = await startFakeFyers();
    const url = gone.apiUrl;
    await gone.close();
    const unreachable = createFyersApi({ apiUrl: url, dataUrl: url, appId: 'A-100', accessToken: async () => kit.token, logger: kit.logger });
    await expect(unreachable.checkSession()).rejects.toBeInstanceOf(BrokerUnavailableError);
  });
});
