import type { Broker } from '../../../shared/broker/broker.port';
import { withPacing } from '../../../shared/broker/paced.broker';
import { createRequestPacer } from '../../../shared/broker/request-pacer';
import { BrokerUnavailableError } from '../../../shared/errors';
import { manualClock } from '../../../shared/platform/clock';

function recordingBroker(opts: { failWith?: Error } = {}) {
  const quoteCalls: string[][] = [];
  const broker: Broker = {
    name: 'fyers',
    async getQuotes(tickers) {
      quoteCalls.push([...tickers]);
      if (opts.failWith) throw opts.failWith;
      return new Map(tickers.map((t, i) => [t, 100 + i]));
    },
    getPositions: async () => [],
    placeOrder: async () => ({ status: 'placed', orderId: '1' }),
    findOrders: async () => [],
    checkSession: async () => ({ valid: true }),
    placeBasket: async () => [],
    cancelOrder: async () => ({ cancelled: false }),
    getFunds: async () => ({ available: 0 }),
  };
  return { broker, quoteCalls };
}

describe('paced broker', () => {
  it('coalesces quote requests that arrive together into one broker call, and every caller sees its prices', async () => {
    const clock = manualClock(0);
    const { broker, quoteCalls } = recordingBroker();
    const paced = withPacing(broker, createRequestPacer({ clock, perSecond: 8, perMinute: 180, maxWaitMs: 10_000 }), { coalesceMs: 5 });
    const answers = await Promise.all([paced.getQuotes(['A']), paced.getQuotes(['B', 'C']), paced.getQuotes(['A'])]);
    expect(quoteCalls).toEqual([['A', 'B', 'C']]);
    expect(answers[0]!.get('A')).toBe(100);
    expect(answers[1]!.get('C')).toBe(102);
  });

  it('starts a new call once the batch would exceed the 50-symbol limit of the quotes endpoint', async () => {
    const clock = manualClock(0);
    const { broker, quoteCalls } = recordingBroker();
    const paced = withPacing(broker, createRequestPacer({ clock, perSecond: 8, perMinute: 180, maxWaitMs: 10_000 }), { coalesceMs: 5 });
    const many = Array.from({ length: 45 }, (_, i) => `T${i}`);
    await Promise.all([paced.getQuotes(many), paced.getQuotes(['X1', 'X2', 'X3', 'X4', 'X5', 'X6'])]);
    expect(quoteCalls.map((c) => c.length)).toEqual([45, 6]);
  });

  it('a 429 from the broker pauses the pacer for its Retry-After, so the next call waits', async () => {
    const clock = manualClock(0);
    const pacer = createRequestPacer({ clock, perSecond: 8, perMinute: 180, maxWaitMs: 10_000 });
    const { broker } = recordingBroker({ failWith: new BrokerUnavailableError('rate limited', { retryAfterMs: 3000 }) });
    const paced = withPacing(broker, pacer, { coalesceMs: 1 });
    await expect(paced.getQuotes(['A'])).rejects.toThrow('rate limited');
    expect(pacer.snapshot().pausedUntil).toBe(3000);
  });

  it('refuses with a certain-nothing-sent error when the queue is longer than the caller can wait', async () => {
    const clock = manualClock(0);
    const pacer = createRequestPacer({ clock, perSecond: 1, perMinute: 180, maxWaitMs: 0, sleep: async (ms) => clock.advance(ms) });
    const { broker } = recordingBroker();
    const paced = withPacing(broker, pacer, { coalesceMs: 1 });
    await paced.placeOrder({ symbol: 'S', qty: 1, side: 'BUY', orderType: 'MARKET', productType: 'INTRADAY' });
    await expect(paced.placeOrder({ symbol: 'S', qty: 1, side: 'BUY', orderType: 'MARKET', productType: 'INTRADAY' })).rejects.toBeInstanceOf(BrokerUnavailableError);
  });
});
