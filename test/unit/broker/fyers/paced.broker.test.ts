import type { Broker } from '../../../../shared/broker/broker.port';
import { withPacing } from '../../../../shared/broker/fyers/paced.broker';
import { createRequestPacer } from '../../../../shared/broker/fyers/request-pacer';
import { BrokerRateLimitedError, BrokerUnavailableError } from '../../../../shared/errors';
import { manualClock } from '../../../../shared/platform/clock';
import { stubBroker } from '../../../helpers/stub-broker';

function recordingBroker(opts: { failWith?: Error; placeAnswers?: Array<Error | 'placed'> } = {}) {
  const quoteCalls: string[][] = [];
  const placeCalls: number[] = [];
  const broker: Broker = stubBroker({
    quoteBatchLimit: 50,
    async getQuotes(tickers) {
      quoteCalls.push([...tickers]);
      if (opts.failWith) throw opts.failWith;
      return new Map(tickers.map((t, i) => [t, 100 + i]));
    },
    placeOrder: async () => {
      placeCalls.push(placeCalls.length);
      const next = opts.placeAnswers?.shift() ?? 'placed';
      if (next instanceof Error) throw next;
      return { status: 'placed', orderId: String(placeCalls.length) };
    },
  });
  return { broker, quoteCalls, placeCalls };
}

const order = { symbol: 'S', qty: 1, side: 'BUY', orderType: 'MARKET', productType: 'INTRADAY' } as const;
const limited = (ms: number) => new BrokerRateLimitedError('rate limited', ms);

describe('paced broker', () => {
  it('asks the caller once more when the order is about to leave: a refusal then means nothing was sent', async () => {
    const clock = manualClock(0);
    const { broker, placeCalls } = recordingBroker();
    const paced = withPacing(broker, createRequestPacer({ clock, perSecond: 8, perMinute: 180, maxWaitMs: 10_000 }), { coalesceMs: 5 });
    const seen: number[] = [];
    await paced.placeOrder(order, { beforeSend: () => void seen.push(placeCalls.length) });
    expect(seen).toEqual([0]);
    await expect(paced.placeOrder(order, { beforeSend: () => { throw new Error('kill switch'); } })).rejects.toThrow('kill switch');
    expect(placeCalls).toHaveLength(1);
  });

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
    const { broker } = recordingBroker({ failWith: limited(3000) });
    const paced = withPacing(broker, pacer, { coalesceMs: 1 });
    await expect(paced.getQuotes(['A'])).rejects.toThrow('rate limited');
    expect(pacer.snapshot().pausedUntil).toBe(3000);
  });

  it('refuses with a certain-nothing-sent error when the queue is longer than the caller can wait', async () => {
    const clock = manualClock(0);
    const pacer = createRequestPacer({ clock, perSecond: 1, perMinute: 180, maxWaitMs: 0, sleep: async (ms) => clock.advance(ms) });
    const { broker } = recordingBroker();
    const paced = withPacing(broker, pacer, { coalesceMs: 1 });
    await paced.placeOrder(order);
    await expect(paced.placeOrder(order)).rejects.toBeInstanceOf(BrokerRateLimitedError);
  });

  it('sends queued order writes before queued reads', async () => {
    const clock = manualClock(0);
    const pacer = createRequestPacer({ clock, perSecond: 1, perMinute: 180, maxWaitMs: 10_000, sleep: async (ms) => clock.advance(ms) });
    const sentOrder: string[] = [];
    const { broker } = recordingBroker();
    const traced: Broker = {
      ...broker,
      getPositions: async () => (sentOrder.push('positions'), []),
      getFunds: async () => (sentOrder.push('funds'), { available: 0 }),
      findOrders: async () => (sentOrder.push('orders'), []),
      placeOrder: async () => (sentOrder.push('place'), { status: 'placed', orderId: '1' }),
      cancelOrder: async () => (sentOrder.push('cancel'), { status: 'cancelled' }),
      modifyOrder: async () => (sentOrder.push('modify'), { status: 'modified' }),
    };
    const paced = withPacing(traced, pacer, { coalesceMs: 1 });
    await Promise.all([paced.getPositions(), paced.getFunds(), paced.findOrders({}), paced.placeOrder(order), paced.cancelOrder('9'), paced.modifyOrder('9', { qty: 2 })]);
    // positions was granted the free slot at once; every write then goes before the waiting reads.
    expect(sentOrder).toEqual(['positions', 'place', 'cancel', 'modify', 'funds', 'orders']);
  });

  describe('the one retry after a 429', () => {
    const setUp = (answers: Array<Error | 'placed'>) => {
      const clock = manualClock(0);
      const pacer = createRequestPacer({ clock, perSecond: 8, perMinute: 180, maxWaitMs: 10_000, sleep: async (ms) => clock.advance(ms) });
      const rec = recordingBroker({ placeAnswers: answers });
      return { clock, pacer, ...rec, paced: withPacing(rec.broker, pacer, { coalesceMs: 1 }) };
    };

    it('is taken by the pacer after the Retry-After when it still fits the caller deadline', async () => {
      const { clock, paced, placeCalls } = setUp([limited(400), 'placed']);
      await expect(paced.placeOrder(order, { retryUntil: 2000 })).resolves.toMatchObject({ status: 'placed' });
      expect(placeCalls).toHaveLength(2);
      expect(clock()).toBeGreaterThanOrEqual(400);
    });

    it('is not taken when the Retry-After ends past the deadline: the 429 stands, nothing sent twice', async () => {
      const { paced, placeCalls } = setUp([limited(3000), 'placed']);
      await expect(paced.placeOrder(order, { retryUntil: 2000 })).rejects.toBeInstanceOf(BrokerRateLimitedError);
      expect(placeCalls).toHaveLength(1);
    });

    it('is not taken without a deadline from the caller, and never more than once', async () => {
      const once = setUp([limited(100), 'placed']);
      await expect(once.paced.placeOrder(order)).rejects.toBeInstanceOf(BrokerRateLimitedError);
      expect(once.placeCalls).toHaveLength(1);
      const twice = setUp([limited(100), limited(100), 'placed']);
      await expect(twice.paced.placeOrder(order, { retryUntil: 5000 })).rejects.toBeInstanceOf(BrokerRateLimitedError);
      expect(twice.placeCalls).toHaveLength(2);
      expect(twice.pacer.snapshot().pausedUntil).toBeGreaterThan(100);
    });

    it('does not retry other failures', async () => {
      const { paced, placeCalls } = setUp([new BrokerUnavailableError('down'), 'placed']);
      await expect(paced.placeOrder(order, { retryUntil: 5000 })).rejects.toThrow('down');
      expect(placeCalls).toHaveLength(1);
    });
  });
});
