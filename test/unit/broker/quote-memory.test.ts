import type { Broker } from '../../../shared/broker/broker.port';
import { withQuoteMemory } from '../../../shared/broker/quote-memory';
import { manualClock } from '../../../shared/platform/clock';

const brokerQuoting = (prices: Record<string, number>) => {
  const calls: string[][] = [];
  const broker = { getQuotes: async (t: string[]) => (calls.push(t), new Map(t.filter((x) => x in prices).map((x) => [x, prices[x]!]))) } as unknown as Broker;
  return { broker, calls };
};

describe('withQuoteMemory', () => {
  it('shares a price another read took for a second, then forgets it; it never asks the broker itself', async () => {
    const clock = manualClock(1_000);
    const { broker, calls } = brokerQuoting({ 'NSE:A': 101.5, 'NSE:B': 7 });
    const q = withQuoteMemory(broker, { clock, maxAgeMs: 1000 });

    expect(q.recentQuote('NSE:A')).toBeUndefined();
    expect(calls).toEqual([]);
    expect(await q.broker.getQuotes(['NSE:A', 'NSE:B'])).toEqual(new Map([['NSE:A', 101.5], ['NSE:B', 7]]));
    clock.advance(1000);
    expect(q.recentQuote('NSE:A')).toBe(101.5);
    clock.advance(1);
    expect(q.recentQuote('NSE:A')).toBeUndefined();
    expect(q.recentQuote('NSE:C')).toBeUndefined();
    expect(calls).toEqual([['NSE:A', 'NSE:B']]);
  });

  it('freshQuotes serves what is fresh from memory and asks the broker once for the rest', async () => {
    const clock = manualClock(1_000);
    const { broker, calls } = brokerQuoting({ 'NSE:A': 101.5, 'NSE:B': 7 });
    const q = withQuoteMemory(broker, { clock, maxAgeMs: 1000 });
    await q.broker.getQuotes(['NSE:A']);
    expect(await q.freshQuotes(['NSE:A', 'NSE:B', 'NSE:A'])).toEqual(new Map([['NSE:A', 101.5], ['NSE:B', 7]]));
    expect(await q.freshQuotes(['NSE:A', 'NSE:B'])).toEqual(new Map([['NSE:A', 101.5], ['NSE:B', 7]]));
    expect(calls).toEqual([['NSE:A'], ['NSE:B']]);
    clock.advance(1001);
    await q.freshQuotes(['NSE:A', 'NSE:B']);
    expect(calls).toEqual([['NSE:A'], ['NSE:B'], ['NSE:A', 'NSE:B']]);
  });
});
