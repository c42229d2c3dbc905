import type { Broker, OrderReport, OrderRequest, PlaceOutcome } from '../../../../shared/broker/broker.port';
import { BrokerUnavailableError, RiskRefusedError } from '../../../../shared/errors';
import { silentLogger } from '../../../../shared/platform/logger';
import { createOrderExecutor, NothingSentError, type ExecutorDeps } from '../../../../shared/orders/execute/execute-plan';
import type { OrderPlan, PlannedOrder } from '../../../../shared/orders/execute/order-plan';
import type { SentOrder } from '../../../../shared/orders/execute/order-recorder.port';
import { managedExitTag, planTag, rollbackTag } from '../../../../shared/orders/order-tags';

const exitTag = rollbackTag;

/** A broker that answers each order as the test scripts it, keeps a book, and records every call. */
function scriptedBroker(script: (o: OrderRequest) => { outcome: PlaceOutcome; state?: OrderReport['state']; inBook?: boolean }, opts: { fillOnCancel?: boolean } = {}) {
  const book: OrderReport[] = [];
  const calls: string[] = [];
  let seq = 0;
  const place = (o: OrderRequest): PlaceOutcome => {
    const { outcome, state, inBook } = script(o);
    if (outcome.status !== 'rejected' || inBook) {
      seq += 1;
      const orderId = outcome.status === 'placed' ? outcome.orderId : `X${seq}`;
      if (inBook !== false) book.push({ orderId, symbol: o.symbol, side: o.side, qty: o.qty, productType: o.productType, state: state ?? 'filled', filledQty: (state ?? 'filled') === 'filled' ? o.qty : 0, orderTag: o.orderTag });
    }
    return outcome;
  };
  const broker: Broker = {
    name: 'fyers',
    getQuotes: async () => new Map(),
    getPositions: async () => [],
    placeOrder: async (o) => {
      calls.push(`place ${o.side} ${o.symbol}${o.slice ? ' sliced' : ''}`);
      return place(o);
    },
    placeBasket: async (orders) => {
      calls.push(`basket ${orders.map((o) => `${o.side} ${o.symbol}`).join(',')}`);
      return orders.map(place);
    },
    cancelOrder: async (id) => {
      calls.push(`cancel ${id}`);
      const o = book.find((x) => x.orderId === id);
      // It filled just before the cancel arrived.
      if (o && opts.fillOnCancel) Object.assign(o, { state: 'filled', filledQty: o.qty });
      if (o && (o.state === 'working' || o.state === 'partially_filled')) {
        o.state = 'cancelled';
        return { status: 'cancelled' };
      }
      return { status: 'not-open', reason: 'Order already traded' };
    },
    modifyOrder: async () => ({ status: 'refused', reason: 'no' }),
    tradebook: async () => [],
    getFunds: async () => ({ available: 0 }),
    findOrders: async (q) => book.filter((o) => q.tag === undefined || o.orderTag === q.tag).map((o) => ({ ...o })),
    checkSession: async () => ({ valid: true }),
  };
  return { broker, calls, book };
}

const BASE = 'tvbase';
const order = (n: number, side: 'BUY' | 'SELL', symbol: string, intent: 'open' | 'close' = 'open', lots = 1): PlannedOrder => ({
  n, intent, lots, lotSize: 65, order: { symbol, qty: 65 * lots, side, orderType: 'MARKET', productType: 'INTRADAY', orderTag: planTag(BASE, intent, n) },
});
const spread = [order(0, 'BUY', 'HEDGE'), order(1, 'SELL', 'SHORT')];
const plan = (orders: PlannedOrder[], over: Partial<OrderPlan> = {}): OrderPlan => ({ requestId: 'req1', orders, allOrNothing: true, confirm: true, ...over });
const run = (deps: ExecutorDeps, orders: PlannedOrder[], over: Partial<OrderPlan> = {}) => createOrderExecutor(deps).run(plan(orders, over));
const resume = (deps: ExecutorDeps, orders: PlannedOrder[]) => createOrderExecutor(deps).resume(plan(orders));
let ids = 0;
const placed = (): PlaceOutcome => ({ status: 'placed', orderId: `O${++ids}` });

describe('the executor runs a plan', () => {
  it('a resting leg the rollback cancels after it partly filled has what filled exited, not left open', async () => {
    let hedge: OrderReport | undefined;
    const { broker, calls, book } = scriptedBroker((o): { outcome: PlaceOutcome; state?: OrderReport['state'] } => {
      if (o.symbol === 'HEDGE' && o.side === 'BUY') return { outcome: placed(), state: 'working' };
      // While the short is refused, one lot of the resting hedge fills.
      if (o.symbol === 'SHORT') Object.assign(hedge!, { state: 'partially_filled', filledQty: 65 });
      return o.symbol === 'SHORT' ? { outcome: { status: 'rejected', code: -99, reason: 'RMS: margin' } } : { outcome: placed() };
    });
    const first = broker.placeOrder.bind(broker);
    broker.placeOrder = async (o, opts) => {
      const out = await first(o, opts);
      hedge ??= book.find((x) => x.symbol === 'HEDGE');
      return out;
    };
    const ex = await run({ broker, logger: silentLogger }, [order(0, 'BUY', 'HEDGE', 'open', 2), order(1, 'SELL', 'SHORT')]);
    expect(ex.status).toBe('rejected');
    expect(calls.filter((c) => c.startsWith('cancel') || c.includes('SELL HEDGE'))).toEqual([expect.stringMatching(/^cancel /), 'place SELL HEDGE']);
    const exit = ex.legs.find((l) => l.role === 'exit');
    expect(exit).toMatchObject({ side: 'SELL', symbol: 'HEDGE', qty: 65, lots: 1 });
    expect(ex.legs.find((l) => l.symbol === 'HEDGE' && l.role === 'open')).toMatchObject({ rolledBack: 'exited', filledQty: 65 });
  });

  it('a leg whose answer was lost and that the orderbook does not show is unknown; the rest is undone and the result is unknown', async () => {
    const { broker, calls } = scriptedBroker((o) => (o.symbol === 'SHORT' ? { outcome: { status: 'unknown', reason: 'timeout' }, inBook: false } : { outcome: placed() }));
    const ex = await run({ broker, logger: silentLogger }, spread);
    expect(ex.status).toBe('unknown');
    expect(ex.legs.find((l) => l.symbol === 'SHORT')?.status).toBe('unknown');
    expect(ex.legs.find((l) => l.symbol === 'HEDGE')?.rolledBack).toBe('exited');
    expect(calls).toEqual(['place BUY HEDGE', 'place SELL SHORT', 'place SELL HEDGE']);
  });

  it('a lost answer for an order the orderbook shows filled counts as filled', async () => {
    const { broker } = scriptedBroker((o) => (o.symbol === 'SHORT' ? { outcome: { status: 'unknown', reason: 'reset' } } : { outcome: placed() }));
    const ex = await run({ broker, logger: silentLogger }, spread);
    expect(ex.status).toBe('placed');
    expect(ex.legs.map((l) => l.status)).toEqual(['filled', 'filled']);
  });

  it('a working leg that cannot be cancelled (it filled meanwhile) is exited instead', async () => {
    const { broker, calls } = scriptedBroker((o) =>
      o.symbol === 'SHORT' ? { outcome: { status: 'rejected', code: -99, reason: 'RMS' } } : o.symbol === 'HEDGE' && o.side === 'BUY' ? { outcome: placed(), state: 'working' } : { outcome: placed() },
      { fillOnCancel: true },
    );
    const ex = await run({ broker, logger: silentLogger }, spread);
    expect(ex.status).toBe('rejected');
    expect(calls.filter((c) => c.startsWith('cancel'))).toHaveLength(1);
    expect(ex.legs.find((l) => l.role === 'exit')).toMatchObject({ side: 'SELL', symbol: 'HEDGE', status: 'filled', orderTag: exitTag(planTag(BASE, 'open', 0)) });
  });

  it('throws NothingSentError when the first basket cannot leave, so the caller can free the claim', async () => {
    const { broker } = scriptedBroker(() => {
      throw new BrokerUnavailableError('connection refused');
    });
    await expect(run({ broker, logger: silentLogger }, spread)).rejects.toBeInstanceOf(NothingSentError);
  });
});

describe('the executor resumes a plan from the orderbook', () => {
  it('sends nothing new: found legs keep their state, missing ones are reported, and a broken structure is undone', async () => {
    const { broker, calls, book } = scriptedBroker(() => ({ outcome: placed() }));
    book.push({ orderId: 'B1', symbol: 'HEDGE', side: 'BUY', qty: 65, productType: 'INTRADAY', state: 'filled', filledQty: 65, orderTag: planTag(BASE, 'open', 0) });
    const ex = await resume({ broker, logger: silentLogger }, spread);
    expect(ex?.legs.slice(0, 2).map((l) => l.status)).toEqual(['filled', 'not-sent']);
    expect(ex?.status).toBe('rejected');
    expect(calls).toEqual(['place SELL HEDGE']);
  });

  it('does not repeat an exit an earlier attempt already sent', async () => {
    const { broker, calls, book } = scriptedBroker(() => ({ outcome: placed() }));
    const tag0 = planTag(BASE, 'open', 0);
    book.push({ orderId: 'B1', symbol: 'HEDGE', side: 'BUY', qty: 65, productType: 'INTRADAY', state: 'filled', filledQty: 65, orderTag: tag0 });
    book.push({ orderId: 'B2', symbol: 'HEDGE', side: 'SELL', qty: 65, productType: 'INTRADAY', state: 'filled', filledQty: 65, orderTag: exitTag(tag0) });
    const ex = await resume({ broker, logger: silentLogger }, spread);
    expect(calls).toEqual([]);
    expect(ex?.legs.find((l) => l.symbol === 'HEDGE' && l.role === 'open')?.rolledBack).toBe('exited');
  });

  it('reads every slice of a sliced order: fills summed, a refused slice beside filled ones, each slice recorded', async () => {
    const { broker, book } = scriptedBroker(() => ({ outcome: placed() }));
    const tag = planTag(BASE, 'open', 0);
    book.push({ orderId: 'S1', symbol: 'LONG', side: 'BUY', qty: 1755, productType: 'INTRADAY', state: 'rejected', filledQty: 0, orderTag: tag, message: 'RMS' });
    book.push({ orderId: 'S2', symbol: 'LONG', side: 'BUY', qty: 1755, productType: 'INTRADAY', state: 'filled', filledQty: 1755, avgPrice: 100, orderTag: tag });
    const recorded: SentOrder[] = [];
    const recorder = { record: async (o: SentOrder) => (recorded.push(o), o.orderId), observe: async () => undefined };
    const ex = await createOrderExecutor({ broker, logger: silentLogger, recorder }).resume(plan([order(0, 'BUY', 'LONG', 'open', 54)], { allOrNothing: false }));
    expect(ex?.legs[0]).toMatchObject({ status: 'rejected', filledQty: 1755, avgPrice: 100 });
    expect(recorded.map((o) => `${o.orderId} ${o.qty}`)).toEqual(['S2 1755']);
  });

  it('is undefined when none of the plan is in the book', async () => {
    const { broker } = scriptedBroker(() => ({ outcome: placed() }));
    expect(await resume({ broker, logger: silentLogger }, spread)).toBeUndefined();
  });
});

/** A recorder that keeps what it was told, in order. */
function memoryRecorder() {
  const recorded: SentOrder[] = [];
  const observed: OrderReport[] = [];
  return {
    recorded,
    observed,
    recorder: {
      record: async (o: SentOrder) => (recorded.push(o), o.orderId ?? `tag-${o.orderTag}`),
      observe: async (r: OrderReport) => void observed.push(r),
    },
  };
}

describe('the executor owns slicing, recording, withdrawals and cancels', () => {
  it('slices an order above the master freeze quantity (open or close), sends it alone, and records one order per slice', async () => {
    const { broker, calls } = scriptedBroker(() => ({ outcome: { status: 'placed', orderId: 'S1', slices: [{ status: 'accepted', orderId: 'S1' }, { status: 'accepted', orderId: 'S2' }] } }));
    const mem = memoryRecorder();
    const big = { ...order(0, 'SELL', 'NSE:BIG', 'close', 22), freezeQty: 1300 };
    const small = order(1, 'BUY', 'NSE:SMALL');
    const ex = await run({ broker, logger: silentLogger, recorder: mem.recorder }, [big, small], { allOrNothing: false });
    expect(calls).toEqual(['place SELL NSE:BIG sliced', 'place BUY NSE:SMALL']);
    expect(ex.legs[0]!.slices?.map((x) => x.qty)).toEqual([1300, 130]);
    expect(mem.recorded.filter((r) => r.symbol === 'NSE:BIG').map((r) => [r.orderId, r.qty, r.intent])).toEqual([['S1', 1300, 'close'], ['S2', 130, 'close']]);
  });

  it('refuses a plan with an order needing more than 10 slices before anything is sent', async () => {
    const { broker, calls } = scriptedBroker(() => ({ outcome: placed() }));
    const huge = { ...order(0, 'BUY', 'NSE:HUGE', 'open', 300), freezeQty: 1300 };
    await expect(run({ broker, logger: silentLogger }, [order(1, 'BUY', 'NSE:OK'), huge])).rejects.toBeInstanceOf(RiskRefusedError);
    expect(calls).toEqual([]);
  });

  it('records a placed order with its exits, the plan strategy and requestId, and hands a paper fill to the lifecycle', async () => {
    const { broker } = scriptedBroker(() => ({ outcome: { status: 'placed', orderId: 'P1', filled: true, avgPrice: 101 } }));
    const mem = memoryRecorder();
    const protectedOpen = { ...order(0, 'BUY', 'NSE:CALL'), exits: { slPoints: 10, tpPoints: 20, tickSize: 0.05 } };
    await run({ broker, logger: silentLogger, recorder: mem.recorder }, [protectedOpen], { strategy: 'trend', confirm: false });
    expect(mem.recorded).toEqual([expect.objectContaining({ orderId: 'P1', requestId: 'req1', strategy: 'trend', role: 'entry', intent: 'open', exits: { slPoints: 10, tpPoints: 20, tickSize: 0.05 } })]);
    expect(mem.observed).toEqual([expect.objectContaining({ orderId: 'P1', state: 'filled', filledQty: 65, avgPrice: 101 })]);
  });

  it('withdraws the bridge exits on closed contracts before any close, and puts them back when nothing could be sent', async () => {
    const steps: string[] = [];
    const { broker } = scriptedBroker(() => {
      steps.push('send');
      throw new BrokerUnavailableError('connection refused');
    });
    const exits = { withdraw: async () => (steps.push('withdraw'), ['E1']), restore: async (ids: string[]) => void steps.push(`restore ${ids.join(',')}`) };
    await expect(run({ broker, logger: silentLogger, exits }, [order(0, 'SELL', 'NSE:HELD', 'close')], { withdrawExitsOn: [{ symbol: 'NSE:HELD', productType: 'INTRADAY' }] })).rejects.toBeInstanceOf(NothingSentError);
    expect(steps).toEqual(['withdraw', 'send', 'restore E1']);
  });

  it('a flatten cancels other working orders before its closes, never its own and never the managed exits', async () => {
    const { broker, calls, book } = scriptedBroker(() => ({ outcome: placed(), state: 'working' }));
    book.push({ orderId: 'W1', symbol: 'NSE:HELD', side: 'BUY', qty: 65, productType: 'INTRADAY', state: 'working', filledQty: 0, orderTag: 'tvmanual' });
    book.push({ orderId: 'X1', symbol: 'NSE:HELD', side: 'SELL', qty: 65, productType: 'INTRADAY', state: 'working', filledQty: 0, orderTag: managedExitTag('E1', 'S') });
    const ex = await run({ broker, logger: silentLogger }, [order(0, 'SELL', 'NSE:HELD', 'close')], { cancelWorkingIn: { tickers: ['NSE:HELD'] }, allOrNothing: false });
    expect(calls).toEqual(['cancel W1', 'place SELL NSE:HELD']);
    expect(ex.cancelled).toEqual(['W1']);
    // The close rests (MPP): it stays working and is reported as such.
    expect(ex.legs[0]!.status).toBe('working');
  });
});
