import type { Broker, PlaceOutcome } from '../../../../shared/broker/broker.port';
import { withCircuitBreaker } from '../../../../shared/broker/fyers/circuit-breaker';
import { BrokerCircuitOpenError, BrokerRateLimitedError, BrokerUnavailableError } from '../../../../shared/errors';
import type { Notification } from '../../../../shared/notify/notifier.port';
import { manualClock } from '../../../../shared/platform/clock';
import { stubBroker } from '../../../helpers/stub-broker';

/** A broker whose health the test flips; it counts the calls that actually reached it. */
function flakyBroker() {
  const s = { healthy: false, calls: 0, outcome: 'throw' as 'throw' | 'unknown' };
  const fail = async () => {
    s.calls++;
    if (s.healthy) return new Map([['X', 100]]);
    throw new BrokerUnavailableError('connection refused');
  };
  const broker: Broker = stubBroker({
    getQuotes: fail,
    placeOrder: async (): Promise<PlaceOutcome> => {
      s.calls++;
      if (s.healthy) return { status: 'placed', orderId: '1' };
      if (s.outcome === 'unknown') return { status: 'unknown', reason: 'timeout' };
      throw new BrokerUnavailableError('connection refused');
    },
  });
  return { s, broker };
}

const order = { symbol: 'NSE:X', qty: 65, side: 'BUY', orderType: 'MARKET', productType: 'INTRADAY' } as const;

describe('circuit breaker', () => {
  it('opens after the threshold, refuses fast without calling the broker, probes after the cool-down and closes on success', async () => {
    const clock = manualClock(0);
    const notes: Notification[] = [];
    const { s, broker } = flakyBroker();
    const b = withCircuitBreaker(broker, { clock, notifier: { notify: async (n) => void notes.push(n) }, failureThreshold: 3, openMs: 10_000 });

    for (let i = 0; i < 3; i++) await expect(b.getQuotes(['X'])).rejects.toThrow('connection refused');
    expect(b.snapshot().state).toBe('open');
    expect(notes.map((n) => n.kind)).toEqual(['broker.circuit_open']);

    const err = await b.getQuotes(['X']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrokerCircuitOpenError);
    expect((err as BrokerUnavailableError).details?.retryAfterMs).toBe(10_000);
    expect(s.calls).toBe(3); // the refused call never reached the broker

    clock.advance(10_000);
    expect(b.snapshot().state).toBe('half-open');
    s.healthy = true;
    await expect(b.getQuotes(['X'])).resolves.toEqual(new Map([['X', 100]]));
    expect(b.snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('a failed probe re-opens it for another cool-down without a second notification', async () => {
    const clock = manualClock(0);
    const notes: Notification[] = [];
    const { s, broker } = flakyBroker();
    const b = withCircuitBreaker(broker, { clock, notifier: { notify: async (n) => void notes.push(n) }, failureThreshold: 2, openMs: 5_000 });
    for (let i = 0; i < 2; i++) await b.getQuotes(['X']).catch(() => undefined);
    clock.advance(5_000);
    await expect(b.getQuotes(['X'])).rejects.toThrow('connection refused');
    expect(s.calls).toBe(3);
    expect(b.snapshot().state).toBe('open');
    await expect(b.getQuotes(['X'])).rejects.toThrow(/refusing fast/);
    expect(s.calls).toBe(3);
    expect(notes).toHaveLength(1);
  });

  it('counts unknown order outcomes (timeouts after send) as failures, and a success in between resets the count', async () => {
    const clock = manualClock(0);
    const { s, broker } = flakyBroker();
    s.outcome = 'unknown';
    const b = withCircuitBreaker(broker, { clock, notifier: { notify: async () => undefined }, failureThreshold: 3, openMs: 5_000 });
    await b.placeOrder(order);
    await b.placeOrder(order);
    s.healthy = true;
    await b.placeOrder(order);
    s.healthy = false;
    await b.placeOrder(order);
    await b.placeOrder(order);
    expect(b.snapshot().state).toBe('closed');
    await b.placeOrder(order);
    expect(b.snapshot().state).toBe('open');
  });

  it('does not count a rate-limit refusal (typed BrokerRateLimitedError) as the broker failing', async () => {
    const clock = manualClock(0);
    const broker: Broker = {
      ...flakyBroker().broker,
      getQuotes: async () => {
        throw new BrokerRateLimitedError('rate limited', 1000);
      },
    };
    const b = withCircuitBreaker(broker, { clock, notifier: { notify: async () => undefined }, failureThreshold: 2, openMs: 5_000 });
    for (let i = 0; i < 5; i++) await b.getQuotes(['X']).catch(() => undefined);
    expect(b.snapshot().state).toBe('closed');
  });

  it('says, without calling anything, that calls are refused while open, and lets a caller try once a probe is due', async () => {
    const clock = manualClock(0);
    const { s: st, broker } = flakyBroker();
    const b = withCircuitBreaker(broker, { clock, notifier: { notify: async () => undefined }, failureThreshold: 2, openMs: 5_000 });
    expect(() => b.assertAvailable!()).not.toThrow();
    for (let i = 0; i < 2; i++) await b.getQuotes(['X']).catch(() => undefined);
    const calls = st.calls;
    expect(() => b.assertAvailable!()).toThrow(BrokerCircuitOpenError);
    expect(st.calls).toBe(calls);
    clock.advance(5_000);
    expect(() => b.assertAvailable!()).not.toThrow();
  });

  it('in half-open, a call arriving while the probe is out waits for its verdict instead of being refused', async () => {
    const clock = manualClock(0);
    const { s: st, broker } = flakyBroker();
    const b = withCircuitBreaker(broker, { clock, notifier: { notify: async () => undefined }, failureThreshold: 1, openMs: 1_000 });
    await b.getQuotes(['X']).catch(() => undefined);
    clock.advance(1_000);
    st.healthy = true;
    // The probe (a quote) and an order leave together, as an alert's do.
    const [quote, order] = await Promise.allSettled([b.getQuotes(['X']), b.placeOrder({ symbol: 'X', qty: 1, side: 'BUY', orderType: 'MARKET', productType: 'INTRADAY' })]);
    expect(quote.status).toBe('fulfilled');
    expect(order.status).toBe('fulfilled');
    expect(b.snapshot().state).toBe('closed');
  });
});

it('counts a cancel or modify whose outcome is unknown as a failure, and a definite refusal as Fyers being up', async () => {
  const clock = manualClock(0);
  let cancel: 'unknown' | 'not-open' = 'unknown';
  const broker: Broker = {
    ...flakyBroker().broker,
    cancelOrder: async () => (cancel === 'unknown' ? { status: 'unknown', reason: 'timeout' } : { status: 'not-open', reason: 'already traded' }),
    modifyOrder: async () => ({ status: 'unknown', reason: 'timeout' }),
  };
  const b = withCircuitBreaker(broker, { clock, notifier: { notify: async () => undefined }, failureThreshold: 3, openMs: 5_000 });
  await b.cancelOrder('1');
  await b.modifyOrder('1', { limitPrice: 10 });
  expect(b.snapshot().consecutiveFailures).toBe(2);
  cancel = 'not-open';
  await expect(b.cancelOrder('1')).resolves.toMatchObject({ status: 'not-open' });
  expect(b.snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  cancel = 'unknown';
  for (let i = 0; i < 3; i++) await b.cancelOrder('1');
  expect(b.snapshot().state).toBe('open');
  await expect(b.cancelOrder('1')).rejects.toBeInstanceOf(BrokerCircuitOpenError);
});
