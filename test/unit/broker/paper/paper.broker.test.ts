import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OrderRequest, PlaceOutcome } from '../../../../shared/broker/broker.port';
import { createPaperBroker, type PaperState } from '../../../../shared/broker/paper/paper.broker';
import { createLocalPaperBook } from '../../../../shared/store/local/paper-book.local';
import { memoryPaperBook, type PaperBookStore } from '../../../../shared/store/paper-book.port';
import { manualClock } from '../../../../shared/platform/clock';
import { buildSymbolIndex } from '../../../../shared/symbols/symbol-index';
import { option } from '../../../helpers/symbol-fixtures';

const CE = option('NIFTY', '2026-07-21', 24400, 'CE');
const index = buildSymbolIndex([CE], 'test');

/** A live feed the test moves by hand; every read of it waits a turn of the event loop, as a real one would. */
function feed(start: number) {
  let ltp = start;
  return {
    set: (p: number) => void (ltp = p),
    quotes: async (tickers: string[]) => {
      await new Promise((r) => setImmediate(r));
      return new Map(tickers.filter((t) => t === CE.ticker).map((t) => [t, ltp]));
    },
  };
}

function paper(start = 150, stateFile?: string, over: { book?: PaperBookStore<PaperState>; livePricesOnly?: boolean } = {}) {
  const prices = feed(start);
  const book = over.book ?? (stateFile ? createLocalPaperBook<PaperState>(stateFile) : undefined);
  const broker = createPaperBroker({ clock: manualClock(Date.UTC(2026, 6, 20, 5, 0)), symbols: async () => index, quotes: prices.quotes, ...(book ? { book } : {}), ...(over.livePricesOnly ? { livePricesOnly: true } : {}) });
  return { broker, prices };
}

const order = (over: Partial<OrderRequest> = {}): OrderRequest => ({ symbol: CE.ticker, qty: 65, side: 'BUY', orderType: 'MARKET', productType: 'INTRADAY', orderTag: 'tvPaper1', ...over });
const idOf = (o: PlaceOutcome): string => {
  if (o.status !== 'placed') throw new Error(`expected a placed order, got ${JSON.stringify(o)}`);
  return o.orderId;
};

describe('placing', () => {
  it('fills a MARKET order at once at the feed price, and moves the position', async () => {
    const { broker } = paper(150);
    const outcome = await broker.placeOrder(order());
    expect(outcome).toMatchObject({ status: 'placed', filled: true, avgPrice: 150 });
    expect(await broker.findOrders({ id: idOf(outcome) })).toEqual([expect.objectContaining({ state: 'filled', filledQty: 65, avgPrice: 150 })]);
    expect(await broker.getPositions()).toEqual([expect.objectContaining({ symbol: CE.ticker, netQty: 65, ltp: 150, pnl: 0 })]);
  });

  it('rests a LIMIT that is not marketable, and fills it at its limit once the price comes to it', async () => {
    const { broker, prices } = paper(150);
    const outcome = await broker.placeOrder(order({ orderType: 'LIMIT', limitPrice: 140 }));
    expect(outcome).toEqual({ status: 'placed', orderId: expect.any(String), message: 'paper order resting' });
    const id = idOf(outcome);
    prices.set(141);
    expect(await broker.findOrders({ id })).toEqual([expect.objectContaining({ state: 'working', filledQty: 0 })]);
    expect(await broker.getPositions()).toEqual([]);
    prices.set(139.5);
    expect(await broker.findOrders({ id })).toEqual([expect.objectContaining({ state: 'filled', filledQty: 65, avgPrice: 140 })]);
    expect(await broker.getPositions()).toEqual([expect.objectContaining({ netQty: 65 })]);
  });

  it('fills a marketable LIMIT at once at the market, not at a worse limit', async () => {
    const { broker } = paper(150);
    expect(await broker.placeOrder(order({ orderType: 'LIMIT', limitPrice: 155 }))).toMatchObject({ filled: true, avgPrice: 150 });
    expect(await broker.placeOrder(order({ side: 'SELL', orderType: 'LIMIT', limitPrice: 145, orderTag: 'tvPaper2' }))).toMatchObject({ filled: true, avgPrice: 150 });
  });

  it('rests a STOP_LIMIT until its trigger is crossed, then works it as a limit, remembering the trigger', async () => {
    const { broker, prices } = paper(150);
    const id = idOf(await broker.placeOrder(order({ side: 'SELL', orderType: 'STOP_LIMIT', stopPrice: 140, limitPrice: 139.5 })));
    prices.set(141);
    expect((await broker.findOrders({ id }))[0]?.state).toBe('working');
    // Triggered, but the price gapped through the limit: it rests as a sell limit at 139.5.
    prices.set(139);
    expect((await broker.findOrders({ id }))[0]?.state).toBe('working');
    // Back above the trigger: already triggered, so the limit is marketable now.
    prices.set(141);
    expect(await broker.findOrders({ id })).toEqual([expect.objectContaining({ state: 'filled', avgPrice: 139.5 })]);
    expect(await broker.getPositions()).toEqual([expect.objectContaining({ netQty: -65 })]);
  });

  it('refuses a symbol it does not know and a quantity off the lot size', async () => {
    const { broker } = paper();
    expect(await broker.placeOrder(order({ symbol: 'NSE:NOPE' }))).toMatchObject({ status: 'rejected', code: -300 });
    expect(await broker.placeOrder(order({ qty: 50 }))).toMatchObject({ status: 'rejected', code: -50 });
    expect(await broker.findOrders({})).toEqual([]);
  });
});

describe('cancel and modify', () => {
  it('cancels a resting order once; a filled or unknown order is not-open', async () => {
    const { broker } = paper(150);
    const resting = idOf(await broker.placeOrder(order({ orderType: 'LIMIT', limitPrice: 140 })));
    const filled = idOf(await broker.placeOrder(order({ orderTag: 'tvPaper2' })));
    expect(await broker.cancelOrder(resting)).toEqual({ status: 'cancelled' });
    expect(await broker.cancelOrder(resting)).toEqual({ status: 'not-open', reason: expect.stringContaining('cancelled') });
    expect(await broker.cancelOrder(filled)).toEqual({ status: 'not-open', reason: expect.stringContaining('filled') });
    expect(await broker.cancelOrder('PAPER-NONE')).toMatchObject({ status: 'not-open' });
    expect((await broker.findOrders({ id: resting }))[0]?.state).toBe('cancelled');
  });

  it('never fills a cancelled order, even when the price comes afterwards', async () => {
    const { broker, prices } = paper(150);
    const id = idOf(await broker.placeOrder(order({ orderType: 'LIMIT', limitPrice: 140 })));
    await broker.cancelOrder(id);
    prices.set(130);
    expect((await broker.findOrders({ id }))[0]?.state).toBe('cancelled');
    expect(await broker.tradebook()).toEqual([]);
  });

  it('modifies a resting order; moved to a marketable price it fills on the next read', async () => {
    const { broker } = paper(150);
    const id = idOf(await broker.placeOrder(order({ orderType: 'LIMIT', limitPrice: 140 })));
    expect(await broker.modifyOrder(id, { qty: 130 })).toEqual({ status: 'modified' });
    expect(await broker.findOrders({ id })).toEqual([expect.objectContaining({ state: 'working', qty: 130 })]);
    expect(await broker.modifyOrder(id, { limitPrice: 151 })).toEqual({ status: 'modified' });
    expect(await broker.findOrders({ id })).toEqual([expect.objectContaining({ state: 'filled', qty: 130, filledQty: 130, avgPrice: 151 })]);
    expect(await broker.modifyOrder(id, { limitPrice: 152 })).toEqual({ status: 'refused', reason: expect.stringContaining('filled') });
  });

  it('refuses a change Fyers would refuse: a quantity off the lot size, a price that is not positive', async () => {
    const { broker } = paper(150);
    const id = idOf(await broker.placeOrder(order({ orderType: 'LIMIT', limitPrice: 140 })));
    expect(await broker.modifyOrder(id, { qty: 100 })).toMatchObject({ status: 'refused' });
    expect(await broker.modifyOrder(id, { qty: 0 })).toMatchObject({ status: 'refused' });
    expect(await broker.modifyOrder(id, { limitPrice: -1 })).toMatchObject({ status: 'refused' });
    expect(await broker.findOrders({ id })).toEqual([expect.objectContaining({ qty: 65, state: 'working' })]);
  });
});

describe('reads', () => {
  it('lists every fill in the tradebook, in order, each with its order', async () => {
    const { broker, prices } = paper(150);
    const a = idOf(await broker.placeOrder(order()));
    const b = idOf(await broker.placeOrder(order({ side: 'SELL', orderType: 'LIMIT', limitPrice: 160, orderTag: 'tvPaper2' })));
    prices.set(161);
    const fills = await broker.tradebook();
    expect(fills).toEqual([
      { orderId: a, tradeId: expect.any(String), qty: 65, price: 150, at: expect.any(Number) },
      { orderId: b, tradeId: expect.any(String), qty: 65, price: 160, at: expect.any(Number) },
    ]);
    expect(fills[0]!.tradeId).not.toBe(fills[1]!.tradeId);
  });

  it('finds orders by tag and by id', async () => {
    const { broker } = paper(150);
    const a = idOf(await broker.placeOrder(order({ orderTag: 'tvAlpha' })));
    const b = idOf(await broker.placeOrder(order({ orderTag: 'tvBeta', orderType: 'LIMIT', limitPrice: 140 })));
    expect((await broker.findOrders({ tag: 'tvBeta' })).map((o) => o.orderId)).toEqual([b]);
    expect((await broker.findOrders({ id: a })).map((o) => o.orderTag)).toEqual(['tvAlpha']);
    expect(await broker.findOrders({ id: a, tag: 'tvBeta' })).toEqual([]);
    expect(await broker.findOrders({ tag: 'tvNone' })).toEqual([]);
    expect((await broker.findOrders({})).map((o) => o.orderId)).toEqual([a, b]);
    // The report is the port's shape: no resting-order internals leak out.
    expect(Object.keys((await broker.findOrders({ id: b }))[0]!)).not.toEqual(expect.arrayContaining(['limitPrice']));
  });

  it('fills a resting order once when two reads see its price at the same time', async () => {
    const { broker, prices } = paper(150);
    const id = idOf(await broker.placeOrder(order({ orderType: 'LIMIT', limitPrice: 140 })));
    prices.set(139);
    await Promise.all([broker.findOrders({ id }), broker.tradebook(), broker.getPositions()]);
    expect(await broker.tradebook()).toHaveLength(1);
    expect(await broker.getPositions()).toEqual([expect.objectContaining({ netQty: 65 })]);
  });

  it('does not fill an order cancelled while a read was waiting for its price', async () => {
    const { broker, prices } = paper(150);
    const id = idOf(await broker.placeOrder(order({ orderType: 'LIMIT', limitPrice: 140 })));
    prices.set(139);
    const read = broker.findOrders({});
    // The cancel's own look at the price comes after the read's; whichever decides first must hold.
    const cancel = broker.cancelOrder(id);
    const [orders, outcome] = await Promise.all([read, cancel]);
    const trades = await broker.tradebook();
    if (outcome.status === 'cancelled') expect(trades).toEqual([]);
    else expect(trades).toHaveLength(1);
    expect(orders.find((o) => o.orderId === id)?.state).toBe(outcome.status === 'cancelled' ? 'working' : 'filled');
  });
});

describe('persistence', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'paper-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a restarted paper broker keeps resting orders and a stop-limit\'s trigger', async () => {
    const file = join(dir, 'paper.json');
    const first = paper(150, file);
    const id = idOf(await first.broker.placeOrder(order({ side: 'SELL', orderType: 'STOP_LIMIT', stopPrice: 140, limitPrice: 139.5 })));
    first.prices.set(139);
    await first.broker.findOrders({ id });

    const second = paper(141, file);
    expect(await second.broker.findOrders({ id })).toEqual([expect.objectContaining({ state: 'filled', avgPrice: 139.5 })]);
  });
});

describe('a book shared by instances (a forward test on Cloud Run)', () => {
  it('an exit one instance rests is filled by another instance\'s read and cancelled by nobody twice', async () => {
    const book = memoryPaperBook<PaperState>();
    const webhook = paper(150, undefined, { book });
    const reconcile = paper(150, undefined, { book });
    await webhook.broker.placeOrder(order());
    const stop = idOf(await webhook.broker.placeOrder(order({ side: 'SELL', orderType: 'STOP_LIMIT', stopPrice: 140, limitPrice: 139.5, orderTag: 'Xstop' })));
    reconcile.prices.set(139.8);
    expect(await reconcile.broker.findOrders({ id: stop })).toEqual([expect.objectContaining({ state: 'filled', avgPrice: 139.5 })]);
    expect(await webhook.broker.cancelOrder(stop)).toEqual({ status: 'not-open', reason: 'the order is already filled' });
    expect(await webhook.broker.getPositions()).toEqual([expect.objectContaining({ netQty: 0 })]);
  });

  it('two instances placing at once get distinct ids and both orders are in the book', async () => {
    const book = memoryPaperBook<PaperState>();
    const a = paper(150, undefined, { book });
    const b = paper(150, undefined, { book });
    const [x, y] = await Promise.all([a.broker.placeOrder(order({ orderTag: 'tvA' })), b.broker.placeOrder(order({ orderTag: 'tvB' }))]);
    expect(idOf(x)).not.toBe(idOf(y));
    expect((await a.broker.findOrders({})).map((o) => o.orderTag).sort()).toEqual(['tvA', 'tvB']);
    expect(await b.broker.getPositions()).toEqual([expect.objectContaining({ netQty: 130 })]);
  });

  it('keeps a bounded book: old finished orders go, working ones stay', async () => {
    const book = memoryPaperBook<PaperState>();
    const { broker } = paper(150, undefined, { book });
    const resting = idOf(await broker.placeOrder(order({ orderType: 'LIMIT', limitPrice: 100, orderTag: 'tvRest' })));
    for (let i = 0; i < 410; i++) await broker.placeOrder(order({ orderTag: `tv${i}` }));
    const state = (await book.read())!;
    expect(state.orders.filter((o) => o.state === 'filled')).toHaveLength(400);
    expect(state.orders.find((o) => o.orderId === resting)).toMatchObject({ state: 'working' });
    expect(state.orders.some((o) => o.orderTag === 'tv0')).toBe(false);
  });
});

describe('live prices only (a forward test fills at the market\'s price or not at all)', () => {
  it('refuses a MARKET order when the feed has no price, instead of inventing one', async () => {
    const { broker } = paper(150, undefined, { livePricesOnly: true });
    const other = option('NIFTY', '2026-07-21', 24500, 'CE');
    const wide = createPaperBroker({ clock: manualClock(Date.UTC(2026, 6, 20, 5, 0)), symbols: async () => buildSymbolIndex([CE, other], 'test'), quotes: async () => new Map(), livePricesOnly: true });
    expect(await wide.placeOrder(order({ symbol: other.ticker }))).toMatchObject({ status: 'rejected', code: 'NO_LIVE_PRICE' });
    expect(await wide.findOrders({})).toEqual([]);
    expect(await broker.placeOrder(order())).toMatchObject({ status: 'placed', filled: true, avgPrice: 150 });
  });

  it('a resting order does not fill while the feed is silent', async () => {
    let live = true;
    const b = createPaperBroker({
      clock: manualClock(Date.UTC(2026, 6, 20, 5, 0)), symbols: async () => index, livePricesOnly: true,
      quotes: async (t) => new Map(live ? t.map((x) => [x, 150] as [string, number]) : []),
    });
    const id = idOf(await b.placeOrder(order({ orderType: 'LIMIT', limitPrice: 200 })));
    // Marketable at once at 150 when placed; a second one placed while the feed is silent rests.
    expect(await b.findOrders({ id })).toEqual([expect.objectContaining({ state: 'filled' })]);
    live = false;
    const later = idOf(await b.placeOrder(order({ orderType: 'LIMIT', limitPrice: 200, orderTag: 'tvLater' })));
    expect(await b.findOrders({ id: later })).toEqual([expect.objectContaining({ state: 'working' })]);
  });
});

describe('reads that arrive together', () => {
  it('share one sweep: one quote call for the orderbook and the tradebook read at once', async () => {
    let calls = 0;
    const b = createPaperBroker({ clock: manualClock(Date.UTC(2026, 6, 20, 5, 0)), symbols: async () => index, quotes: async (t) => ((calls += 1), new Map(t.map((x) => [x, 150] as [string, number]))) });
    await b.placeOrder(order({ orderType: 'LIMIT', limitPrice: 100 }));
    calls = 0;
    const [book, trades] = await Promise.all([b.findOrders({}), b.tradebook()]);
    expect(book).toEqual([expect.objectContaining({ state: 'working' })]);
    expect(trades).toEqual([]);
    expect(calls).toBe(1);
  });
});
