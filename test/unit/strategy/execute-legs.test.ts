import type { Broker, BrokerOrder, OrderRequest, PlaceOutcome } from '../../../shared/broker/broker.port';
import { BrokerUnavailableError } from '../../../shared/errors';
import { silentLogger } from '../../../shared/platform/logger';
import { executePlan, exitTag, legTag, NothingSentError, resumeFromBook, type PlannedOrder } from '../../../shared/strategy/execute-legs';

/** A broker that answers each order as the test scripts it, keeps a book, and records every call. */
function scriptedBroker(script: (o: OrderRequest) => { outcome: PlaceOutcome; state?: BrokerOrder['state']; inBook?: boolean }) {
  const book: BrokerOrder[] = [];
  const calls: string[] = [];
  let seq = 0;
  const place = (o: OrderRequest): PlaceOutcome => {
    const { outcome, state, inBook } = script(o);
    if (outcome.status !== 'rejected' || inBook) {
      seq += 1;
      const orderId = outcome.status === 'placed' ? outcome.orderId : `X${seq}`;
      if (inBook !== false) book.push({ orderId, symbol: o.symbol, side: o.side, qty: o.qty, productType: o.productType, state: state ?? 'filled', orderTag: o.orderTag });
    }
    return outcome;
  };
  const broker: Broker = {
    name: 'fyers',
    getQuotes: async () => new Map(),
    getPositions: async () => [],
    placeOrder: async (o) => {
      calls.push(`place ${o.side} ${o.symbol}`);
      return place(o);
    },
    placeBasket: async (orders) => {
      calls.push(`basket ${orders.map((o) => `${o.side} ${o.symbol}`).join(',')}`);
      return orders.map(place);
    },
    cancelOrder: async (id) => {
      calls.push(`cancel ${id}`);
      return { cancelled: false, reason: 'Order already traded' };
    },
    getFunds: async () => ({ available: 0 }),
    findOrders: async () => book.map((o) => ({ ...o })),
    checkSession: async () => ({ valid: true }),
  };
  return { broker, calls, book };
}

const BASE = 'tvbase';
const order = (n: number, side: 'BUY' | 'SELL', symbol: string, role: 'open' | 'close' = 'open'): PlannedOrder => ({
  n, role, lots: 1, order: { symbol, qty: 65, side, orderType: 'MARKET', productType: 'INTRADAY', orderTag: legTag(BASE, role, n) },
});
const spread = [order(0, 'BUY', 'HEDGE'), order(1, 'SELL', 'SHORT')];
const opts = { allOrNothing: true, notAfter: Number.POSITIVE_INFINITY };
let ids = 0;
const placed = (): PlaceOutcome => ({ status: 'placed', orderId: `O${++ids}` });

describe('executePlan', () => {
  it('a leg whose answer was lost and that the orderbook does not show is unknown; the rest is undone and the result is unknown', async () => {
    const { broker, calls } = scriptedBroker((o) => (o.symbol === 'SHORT' ? { outcome: { status: 'unknown', reason: 'timeout' }, inBook: false } : { outcome: placed() }));
    const ex = await executePlan({ broker, logger: silentLogger }, spread, opts);
    expect(ex.status).toBe('unknown');
    expect(ex.legs.find((l) => l.symbol === 'SHORT')?.status).toBe('unknown');
    expect(ex.legs.find((l) => l.symbol === 'HEDGE')?.rolledBack).toBe('exited');
    expect(calls).toEqual(['place BUY HEDGE', 'place SELL SHORT', 'place SELL HEDGE']);
  });

  it('a lost answer for an order the orderbook shows filled counts as filled', async () => {
    const { broker } = scriptedBroker((o) => (o.symbol === 'SHORT' ? { outcome: { status: 'unknown', reason: 'reset' } } : { outcome: placed() }));
    const ex = await executePlan({ broker, logger: silentLogger }, spread, opts);
    expect(ex.status).toBe('placed');
    expect(ex.legs.map((l) => l.status)).toEqual(['filled', 'filled']);
  });

  it('a working leg that cannot be cancelled (it filled meanwhile) is exited instead', async () => {
    const { broker, calls } = scriptedBroker((o) =>
      o.symbol === 'SHORT' ? { outcome: { status: 'rejected', code: -99, reason: 'RMS' } } : o.symbol === 'HEDGE' && o.side === 'BUY' ? { outcome: placed(), state: 'working' } : { outcome: placed() },
    );
    const ex = await executePlan({ broker, logger: silentLogger }, spread, opts);
    expect(ex.status).toBe('rejected');
    expect(calls.filter((c) => c.startsWith('cancel'))).toHaveLength(1);
    expect(ex.legs.find((l) => l.role === 'exit')).toMatchObject({ side: 'SELL', symbol: 'HEDGE', status: 'filled', orderTag: exitTag(legTag(BASE, 'open', 0)) });
  });

  it('throws NothingSentError when the first basket cannot leave, so the caller can free the claim', async () => {
    const { broker } = scriptedBroker(() => {
      throw new BrokerUnavailableError('connection refused');
    });
    await expect(executePlan({ broker, logger: silentLogger }, spread, opts)).rejects.toBeInstanceOf(NothingSentError);
  });
});

describe('resumeFromBook', () => {
  it('sends nothing new: found legs keep their state, missing ones are reported, and a broken structure is undone', async () => {
    const { broker, calls, book } = scriptedBroker(() => ({ outcome: placed() }));
    book.push({ orderId: 'B1', symbol: 'HEDGE', side: 'BUY', qty: 65, productType: 'INTRADAY', state: 'filled', orderTag: legTag(BASE, 'open', 0) });
    const ex = await resumeFromBook({ broker, logger: silentLogger }, spread, opts);
    expect(ex?.legs.slice(0, 2).map((l) => l.status)).toEqual(['filled', 'not-sent']);
    expect(ex?.status).toBe('rejected');
    expect(calls).toEqual(['place SELL HEDGE']);
  });

  it('does not repeat an exit an earlier attempt already sent', async () => {
    const { broker, calls, book } = scriptedBroker(() => ({ outcome: placed() }));
    const tag0 = legTag(BASE, 'open', 0);
    book.push({ orderId: 'B1', symbol: 'HEDGE', side: 'BUY', qty: 65, productType: 'INTRADAY', state: 'filled', orderTag: tag0 });
    book.push({ orderId: 'B2', symbol: 'HEDGE', side: 'SELL', qty: 65, productType: 'INTRADAY', state: 'filled', orderTag: exitTag(tag0) });
    const ex = await resumeFromBook({ broker, logger: silentLogger }, spread, opts);
    expect(calls).toEqual([]);
    expect(ex?.legs.find((l) => l.symbol === 'HEDGE' && l.role === 'open')?.rolledBack).toBe('exited');
  });

  it('is undefined when none of the plan is in the book', async () => {
    const { broker } = scriptedBroker(() => ({ outcome: placed() }));
    expect(await resumeFromBook({ broker, logger: silentLogger }, spread, opts)).toBeUndefined();
  });
});
