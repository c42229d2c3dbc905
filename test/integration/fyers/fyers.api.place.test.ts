import { createServer } from 'node:net';
import { createFyersApi } from '../../../shared/broker/fyers/fyers.api';
import { BrokerRateLimitedError, BrokerRejectedError, BrokerUnavailableError, SessionExpiredError } from '../../../shared/errors';
import { capturingLogger, dump, eventually, marketBuy, startKit, TICKER, type Kit } from './fyers-test-kit';

let kit: Kit;
afterEach(async () => {
  // Whatever happened in the test, the token must not have reached the logger.
  expect(dump(kit.logger.entries)).not.toContain(kit.token);
  await kit.fake.close();
});

describe('placeOrder: definite answers', () => {
  beforeEach(async () => { kit = await startKit(); });

  it('is placed, with the order mapped to Fyers fields', async () => {
    const outcome = await kit.api.placeOrder(marketBuy());
    expect(outcome).toEqual({ status: 'placed', orderId: kit.fake.state.orders[0]?.id, message: 'Successfully placed order' });
    expect(kit.fake.state.orders[0]?.body).toEqual({
      symbol: TICKER, qty: 65, type: 2, side: 1, productType: 'INTRADAY', limitPrice: 0, stopPrice: 0,
      validity: 'DAY', disclosedQty: 0, offlineOrder: false, stopLoss: 0, takeProfit: 0, orderTag: 'tvA1b2c3',
    });
  });

  it('sends percent TP/SL legs as legType 2, unrounded', async () => {
    const outcome = await kit.api.placeOrder(marketBuy({ stopLoss: 1.5, takeProfit: 3.25, legs: 'percent' }));
    expect(outcome.status).toBe('placed');
    expect(kit.fake.state.orders[0]?.body).toMatchObject({ productType: 'INTRADAY', stopLoss: 1.5, takeProfit: 3.25, legType: 2 });
  });

  it('marks a refusal over the legs, so the executor may send the order without them', async () => {
    kit.fake.refuseLegs(TICKER);
    const outcome = await kit.api.placeOrder(marketBuy({ stopLoss: 20, legs: 'points' }));
    expect(outcome).toMatchObject({ status: 'rejected', code: -50, legsRefused: true });
    expect(await kit.api.placeOrder(marketBuy({ qty: 50 }))).not.toHaveProperty('legsRefused');
  });

  it('is rejected with Fyers code and reason for a quantity off the lot size', async () => {
    const outcome = await kit.api.placeOrder(marketBuy({ qty: 50 }));
    expect(outcome).toEqual({ status: 'rejected', code: -50, reason: 'Invalid qty. Quantity should be a multiple of lot size 65' });
    expect(kit.fake.state.orders).toHaveLength(0);
  });

  it('is rejected for an RMS refusal even when it comes with HTTP 200', async () => {
    kit.fake.inject('place-order', { kind: 'reject', code: -99, message: 'RMS:Margin Exceeds', httpStatus: 200 }, 1);
    expect(await kit.api.placeOrder(marketBuy())).toEqual({ status: 'rejected', code: -99, reason: 'RMS:Margin Exceeds' });
  });

  it('refuses before sending a tag Fyers would refuse (throws, nothing sent)', async () => {
    // CO/BO are retired at Fyers (-1800): never sent, whoever asks.
    await expect(kit.api.placeOrder(marketBuy({ productType: 'CO' as 'INTRADAY', stopLoss: 5 }))).rejects.toBeInstanceOf(BrokerRejectedError);
    await expect(kit.api.placeOrder(marketBuy({ orderTag: 'tv-1' }))).rejects.toBeInstanceOf(BrokerRejectedError);
    expect(kit.fake.state.requests).toHaveLength(0);
  });
});

describe('placeOrder: the order may exist → unknown, never a throw', () => {
  beforeEach(async () => { kit = await startKit({}, 300); });

  it('code 201 (no acknowledgement)', async () => {
    kit.fake.inject('place-order', { kind: 'no-ack' }, 1);
    const outcome = await kit.api.placeOrder(marketBuy());
    expect(outcome).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/201/) });
    expect(kit.fake.state.orders).toHaveLength(1);
  });

  it('a timeout after the request was sent, while Fyers goes on to record the order', async () => {
    kit.fake.inject('place-order', { kind: 'latency', ms: 800 }, 1);
    const outcome = await kit.api.placeOrder(marketBuy());
    // The fake records the order only after its 800 ms delay: none yet proves we stopped at our 300 ms timeout.
    expect(kit.fake.state.orders).toHaveLength(0);
    expect(outcome).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/300 ms/) });
    await eventually(() => kit.fake.state.orders.length === 1);
  });

  it('a connection reset after Fyers accepted the order (response lost)', async () => {
    kit.fake.inject('place-order', { kind: 'reset', phase: 'after' }, 1);
    expect(await kit.api.placeOrder(marketBuy())).toMatchObject({ status: 'unknown' });
    expect(kit.fake.state.orders).toHaveLength(1);
  });

  it('a connection reset before any answer', async () => {
    kit.fake.inject('place-order', { kind: 'reset' }, 1);
    expect(await kit.api.placeOrder(marketBuy())).toMatchObject({ status: 'unknown' });
  });

  it.each([500, 502, 503, 504])('HTTP %i, with or without a Fyers body', async (status) => {
    kit.fake.inject('place-order', { kind: 'status', status, body: { s: 'error', code: -99, message: 'upstream' } }, 1);
    expect(await kit.api.placeOrder(marketBuy())).toMatchObject({ status: 'unknown', reason: expect.stringContaining(String(status)) });
    kit.fake.inject('place-order', { kind: 'status', status, phase: 'after' }, 1);
    expect(await kit.api.placeOrder(marketBuy())).toMatchObject({ status: 'unknown' });
    expect(kit.fake.state.orders).toHaveLength(1);
  });

  it('an ok without an order id', async () => {
    kit.fake.inject('place-order', { kind: 'status', status: 200, body: { s: 'ok', code: 1101, message: 'queued' } }, 1);
    expect(await kit.api.placeOrder(marketBuy())).toMatchObject({ status: 'unknown' });
  });
});

describe('placeOrder: certainly not placed → throws', () => {
  it('429 throws BrokerRateLimitedError with the delay from X-Retry-After-Ms or Retry-After', async () => {
    kit = await startKit();
    kit.fake.inject('place-order', { kind: 'rate-limited', retryAfterMs: 1500 }, 1);
    const e = await kit.api.placeOrder(marketBuy()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BrokerRateLimitedError);
    expect(e).toBeInstanceOf(BrokerUnavailableError);
    expect((e as BrokerRateLimitedError).retryAfterMs).toBe(1500);
    expect((e as BrokerRateLimitedError).details?.retryAfterMs).toBe(1500);

    kit.fake.inject('place-order', { kind: 'rate-limited', retryAfterMs: 2000, emptyBody: true }, 1);
    await expect(kit.api.placeOrder(marketBuy())).rejects.toMatchObject({ retryAfterMs: 2000 });
    expect(kit.fake.state.orders).toHaveLength(0);
  });

  it('the fake rate limiter (10/s) turns the 11th call in a second into a 429', async () => {
    kit = await startKit({ rateLimit: true });
    const results = await Promise.allSettled(Array.from({ length: 11 }, () => kit.api.placeOrder(marketBuy())));
    const limited = results.filter((r) => r.status === 'rejected');
    expect(limited).toHaveLength(1);
    expect((limited[0] as PromiseRejectedResult).reason).toBeInstanceOf(BrokerRateLimitedError);
    expect(kit.fake.state.orders).toHaveLength(10);
  });

  it('connection refused throws BrokerUnavailableError', async () => {
    kit = await startKit();
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const logger = capturingLogger();
    const closed = createFyersApi({
      apiUrl: `http://127.0.0.1:${port}/api/v3`, dataUrl: `http://127.0.0.1:${port}/data`, appId: 'X-100',
      accessToken: async () => kit.token, timeoutMs: 1000, logger,
    });
    const e = await closed.placeOrder(marketBuy()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BrokerUnavailableError);
    expect(e).not.toBeInstanceOf(BrokerRateLimitedError);
    expect(dump(logger.entries, e)).not.toContain(kit.token);
  });

  it.each([
    {},
    { code: -8 as const, httpStatus: 200 as const },
    { code: -17 as const, httpStatus: 401 as const },
  ])('a dead token (%o) throws SessionExpiredError', async (death) => {
    kit = await startKit();
    kit.fake.killTokens(death);
    const e = await kit.api.placeOrder(marketBuy()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SessionExpiredError);
    expect(dump(e)).not.toContain(kit.token);
    expect(kit.fake.state.orders).toHaveLength(0);
  });

  it('no token at all throws SessionExpiredError without calling Fyers', async () => {
    kit = await startKit();
    const broker = createFyersApi({ apiUrl: kit.fake.apiUrl, dataUrl: kit.fake.dataUrl, appId: kit.fake.state.appId, accessToken: async () => undefined, logger: kit.logger });
    await expect(broker.placeOrder(marketBuy())).rejects.toBeInstanceOf(SessionExpiredError);
    expect(kit.fake.state.requests).toHaveLength(0);
  });
});
