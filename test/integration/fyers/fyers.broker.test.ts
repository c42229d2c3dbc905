import { createFyersBroker, type FyersBroker } from '../../../shared/broker/fyers/fyers.broker';
import { BrokerCircuitOpenError, SessionExpiredError } from '../../../shared/errors';
import type { Notification } from '../../../shared/notify/notifier.port';
import { createAccessTokens, type AccessTokens } from '../../../shared/tokens/access-token-provider';
import type { StoredToken } from '../../../shared/tokens/token.port';
import { startFakeFyers, type FakeFyers, type FakeFyersOptions } from '../../fake-fyers';
import { capturingLogger, dump, marketBuy, TICKER } from './fyers-test-kit';

/**
 * The broker the app uses: the REST client wrapped in the pacer, the circuit breaker and the session
 * guard, built only by createFyersBroker. Each wrapper has its unit tests; these check they are all there.
 */
let fake: FakeFyers;
afterEach(() => fake.close());

/** Tokens as the token store would give them: one live session. */
const tokensFor = (token: string): AccessTokens => ({
  accessToken: async () => token,
  session: async () => ({ accessToken: token, expiresAt: Date.now() + 3_600_000, obtainedAt: 0, source: 'login' }),
  invalidate: () => undefined,
});

async function start(fakeOpts: FakeFyersOptions = {}, budget = { perSecond: 10, perMinute: 200, maxWaitMs: 5_000 }, tokens: (token: string) => AccessTokens = tokensFor) {
  fake = await startFakeFyers(fakeOpts);
  const token = fake.issueAccessToken();
  const logger = capturingLogger();
  const notes: Notification[] = [];
  const broker: FyersBroker = createFyersBroker({
    apiUrl: fake.apiUrl, dataUrl: fake.dataUrl, appId: fake.state.appId, tokens: tokens(token), timeoutMs: 1000, budget,
    clock: Date.now, logger, notifier: { notify: async (n) => void notes.push(n) }, loginUrl: 'https://bridge.example/login',
  });
  return { broker, token, logger, notes };
}

it('paces a burst to the budget, so a Fyers that enforces the same limit never answers 429', async () => {
  // A small budget keeps the test short; the fake enforces exactly that limit.
  const { broker } = await start({ rateLimit: { perSecond: 3, perMinute: 200 } }, { perSecond: 3, perMinute: 200, maxWaitMs: 5_000 });
  const outcomes = await Promise.all(Array.from({ length: 7 }, (_, i) => broker.placeOrder(marketBuy({ orderTag: `tvBurst${i}` }))));
  expect(outcomes.map((o) => o.status)).toEqual(Array(7).fill('placed'));
  expect(fake.state.requests.map((r) => r.status)).not.toContain(429);
  expect(fake.state.orders).toHaveLength(7);
  expect(broker.health().pacing).toMatchObject({ queued: 0, inFlight: 0 });
});

/** Tokens read through the real cache from a store whose every read `onRead` sees first (it may throw). */
const storedTokens =
  (onRead: () => void) =>
  (token: string): AccessTokens =>
    createAccessTokens({
      store: {
        current: async (): Promise<StoredToken> => {
          onRead();
          return { accessToken: token, expiresAt: Date.now() + 3_600_000, obtainedAt: 0, source: 'login' };
        },
        save: async () => undefined,
      },
      clock: Date.now,
      cacheMs: 5_000,
    });

it('getting ready reads the stored session once and calls nobody; the order that follows uses that read', async () => {
  const reads: string[] = [];
  const { broker } = await start({}, undefined, storedTokens(() => reads.push('current')));
  broker.prepare?.();
  expect(reads).toEqual(['current']);
  expect(fake.state.requests).toEqual([]);
  expect((await broker.placeOrder(marketBuy())).status).toBe('placed');
  expect(reads).toEqual(['current']); // the order's token came from the read getting ready started
  expect(fake.state.orders).toHaveLength(1);
});

it('a session read that fails while getting ready is left to the call that needs it', async () => {
  let fail = true;
  const flaky = storedTokens(() => {
    if (fail) throw new Error('store unavailable');
  });
  const { broker } = await start({}, undefined, flaky);
  broker.prepare?.();
  await new Promise((r) => setImmediate(r));
  fail = false;
  // The failed read was not kept: the order reads again, and goes.
  expect((await broker.placeOrder(marketBuy())).status).toBe('placed');
});

it('a token Fyers calls dead stops every later call before it leaves, and the operator hears once', async () => {
  const { broker, token, logger, notes } = await start();
  fake.killTokens({ code: -8, httpStatus: 200 });
  await expect(broker.placeOrder(marketBuy())).rejects.toBeInstanceOf(SessionExpiredError);
  const sent = fake.state.requests.length;
  await expect(broker.cancelOrder('26072100000001')).rejects.toBeInstanceOf(SessionExpiredError);
  await expect(broker.tradebook()).rejects.toBeInstanceOf(SessionExpiredError);
  expect(fake.state.requests).toHaveLength(sent);
  expect(notes.map((n) => n.kind)).toEqual(['session.expired']);
  expect(notes[0]?.summary).toContain('https://bridge.example/login');
  expect(await broker.checkSession()).toMatchObject({ valid: false });
  expect(dump(logger.entries, notes)).not.toContain(token);
});

it('opens the breaker after repeated failures: later calls are refused at once, nothing sent, and health says so', async () => {
  const { broker, notes } = await start();
  fake.inject('quotes', { kind: 'status', status: 503 });
  for (let i = 0; i < 5; i++) await expect(broker.getQuotes([TICKER])).rejects.toThrow();
  expect(broker.health().state).toBe('open');
  const sent = fake.state.requests.length;
  await expect(broker.placeOrder(marketBuy())).rejects.toBeInstanceOf(BrokerCircuitOpenError);
  expect(() => broker.assertAvailable?.()).toThrow(BrokerCircuitOpenError);
  expect(fake.state.requests).toHaveLength(sent);
  expect(notes.map((n) => n.kind)).toContain('broker.circuit_open');
});
