import type { Clock } from '../../platform/clock';
import { memoryPaperBook, type PaperBookStore } from '../../store/paper-book.port';
import type { SymbolIndex } from '../../symbols/instrument';
import { UNDERLYINGS } from '../../symbols/underlyings';
import type { Broker, BrokerSession, CancelOutcome, ModifyOutcome, OrderReport, OrderRequest, PlaceOutcome, Position, TradeFill } from '../broker.port';
import { PAPER_SPOT, paperPremium } from './paper-pricing';

export interface PaperBrokerOptions {
  clock: Clock;
  /** Contract lookup for pricing options; absent tickers get no quote, like an unknown symbol at Fyers. */
  symbols: () => Promise<SymbolIndex>;
  /** Fill every order at this price instead of the synthetic premium. */
  fillPrice?: number;
  /** Where the order book, trades and positions live; this process's memory when absent. */
  book?: PaperBookStore<PaperState>;
  /** Available funds it reports, in rupees. */
  funds?: number;
  /** Prices from elsewhere (a live feed) for tickers it knows; its own synthetic price otherwise. */
  quotes?: (tickers: string[]) => Promise<Map<string, number>>;
  /**
   * Only `quotes` price anything (a forward test beside live trading): a ticker without a live price is
   * not filled, and a MARKET order for it is refused, rather than filled at an invented premium.
   */
  livePricesOnly?: boolean;
  /** Order ids start with this (default PAPER), so two paper books never hand out the same id. */
  idPrefix?: string;
}

/** A position with the cash it moved, so its P&L is cash plus the open quantity at the current price. */
type PaperPosition = Position & { cash?: number };
/** A resting order keeps what it needs to fill later. */
type PaperOrder = OrderReport & { orderType?: OrderRequest['orderType']; limitPrice?: number; stopPrice?: number; triggered?: boolean };
const DEFAULT_PAPER_FUNDS = 1_000_000;
/**
 * Finished orders and trades kept in the book. Enough for a trading day's reads by tag; bounded so a
 * book shared through one Firestore document stays far below its 1 MiB.
 */
const KEEP_FINISHED_ORDERS = 400;
const KEEP_TRADES = 800;

export interface PaperState {
  orders: PaperOrder[];
  positions: Record<string, PaperPosition>;
  trades?: TradeFill[];
  seq: number;
}

const freshState = (s: PaperState | undefined): PaperState => {
  const state = s ?? { orders: [], positions: {}, seq: 0 };
  state.trades ??= [];
  return state;
};

/** Working orders stay; of the finished ones and the trades, the newest are kept. */
function pruned(state: PaperState): PaperState {
  const finished = state.orders.filter((o) => o.state !== 'working');
  if (finished.length > KEEP_FINISHED_ORDERS) {
    const drop = new Set(finished.slice(0, finished.length - KEEP_FINISHED_ORDERS));
    state.orders = state.orders.filter((o) => !drop.has(o));
  }
  if (state.trades!.length > KEEP_TRADES) state.trades = state.trades!.slice(-KEEP_TRADES);
  return state;
}

/**
 * The price an order fills at now, or undefined while it should keep resting. A new order that is
 * marketable trades at the market (never worse than its limit); a resting one fills at its limit,
 * since the price came to it somewhere between two reads. Marks a stop-limit triggered once its
 * trigger is crossed, for good.
 */
function fillPriceOf(o: PaperOrder, ltp: number | undefined, isNew: boolean): number | undefined {
  if (ltp === undefined) return undefined;
  const buy = o.side === 'BUY';
  if (o.orderType === 'STOP_LIMIT') {
    if (!o.triggered && (buy ? ltp >= o.stopPrice! : ltp <= o.stopPrice!)) o.triggered = true;
    if (!o.triggered) return undefined;
  }
  if (o.orderType !== 'LIMIT' && o.orderType !== 'STOP_LIMIT') return ltp;
  const limit = o.limitPrice!;
  if (!(buy ? ltp <= limit : ltp >= limit)) return undefined;
  return isNew ? ltp : limit;
}

function fillOrder(state: PaperState, o: PaperOrder, price: number | undefined, now: number): void {
  o.state = 'filled';
  o.filledQty = o.qty;
  o.message = 'paper fill';
  if (price !== undefined) o.avgPrice = price;
  state.trades!.push({ orderId: o.orderId, tradeId: `${o.orderId}-1`, qty: o.qty, price: price ?? 0, at: now });
  const key = `${o.symbol}-${o.productType}`;
  const pos = state.positions[key] ?? { symbol: o.symbol, productType: o.productType, netQty: 0, cash: 0 };
  const signed = o.side === 'BUY' ? o.qty : -o.qty;
  pos.netQty += signed;
  if (price !== undefined && pos.cash !== undefined) pos.cash -= signed * price;
  state.positions[key] = pos;
}

/** Fills the resting orders whose price has come; true when anything changed. */
function sweepState(state: PaperState, ltps: Map<string, number>, now: number): boolean {
  let changed = false;
  for (const o of state.orders) {
    if (o.state !== 'working') continue;
    const wasTriggered = o.triggered;
    const price = fillPriceOf(o, ltps.get(o.symbol), false);
    if (o.triggered !== wasTriggered) changed = true;
    if (price === undefined) continue;
    fillOrder(state, o, price, now);
    changed = true;
  }
  return changed;
}

/**
 * A broker that trades against its own prices. MARKET orders fill at once; a LIMIT fills at once when
 * marketable and otherwise rests; a STOP_LIMIT rests until its trigger is crossed. Resting orders are
 * looked at again whenever the book, the trades or the positions are read, so the bridge's own exits
 * behave as they would at Fyers. It keeps an order book, a tradebook and net positions, so reduce-only
 * rules, tag lookups and the lifecycle work the same as with Fyers.
 *
 * Every change is one atomic update of the book, with its prices fetched before: the book may be
 * shared by instances (a forward test on Cloud Run), and a quote must never be taken inside a retry.
 */
export function createPaperBroker(opts: PaperBrokerOptions): Broker {
  const book = opts.book ?? memoryPaperBook<PaperState>();
  const idPrefix = opts.idPrefix ?? 'PAPER';
  const spotByTicker = new Map(Object.entries(UNDERLYINGS).map(([u, info]) => [info.spotTicker, PAPER_SPOT[u] ?? 0]));

  const ownQuote = async (ticker: string): Promise<number | undefined> => {
    const spot = spotByTicker.get(ticker);
    if (spot) return spot;
    const inst = (await opts.symbols()).byTicker(ticker);
    if (!inst) return undefined;
    if (opts.fillPrice) return opts.fillPrice;
    return paperPremium(inst, PAPER_SPOT[inst.underlying] ?? inst.strike, opts.clock());
  };
  const quotes = async (tickers: string[]): Promise<Map<string, number>> => {
    const out = new Map<string, number>();
    if (tickers.length === 0) return out;
    const live = opts.quotes ? await opts.quotes(tickers).catch(() => new Map<string, number>()) : new Map<string, number>();
    for (const t of tickers) {
      const ltp = live.get(t) ?? (opts.livePricesOnly ? undefined : await ownQuote(t));
      if (ltp !== undefined) out.set(t, ltp);
    }
    return out;
  };

  /**
   * Resting orders whose price has come fill now; answers the book as it stands after. Reads that
   * arrive together (the reconcile asks for the orderbook and the tradebook at once) share one sweep,
   * so one book read and one quote call serve them all.
   */
  let sweeping: Promise<PaperState> | undefined;
  const sweep = (): Promise<PaperState> => (sweeping ??= sweepNow().finally(() => (sweeping = undefined)));
  const sweepNow = async (): Promise<PaperState> => {
    const before = freshState(await book.read());
    const resting = [...new Set(before.orders.filter((o) => o.state === 'working').map((o) => o.symbol))];
    if (resting.length === 0) return before;
    const ltps = await quotes(resting);
    return book.update((cur) => {
      const s = freshState(cur);
      return { next: sweepState(s, ltps, opts.clock()) ? pruned(s) : undefined, result: s };
    });
  };

  const place = async (order: OrderRequest): Promise<PlaceOutcome> => {
    const inst = (await opts.symbols()).byTicker(order.symbol);
    if (!inst) return { status: 'rejected', code: -300, reason: `Invalid symbol ${order.symbol}` };
    if (order.qty <= 0 || order.qty % inst.lotSize !== 0) {
      return { status: 'rejected', code: -50, reason: `qty ${order.qty} is not a multiple of the lot size ${inst.lotSize}` };
    }
    const ltp = (await quotes([order.symbol])).get(order.symbol);
    if (ltp === undefined && opts.livePricesOnly && order.orderType === 'MARKET') {
      return { status: 'rejected', code: 'NO_LIVE_PRICE', reason: `No live price for ${order.symbol}: a paper order is filled only at the market's own price` };
    }
    return book.update((cur) => {
      const s = freshState(cur);
      s.seq += 1;
      const now = opts.clock();
      const orderId = `${idPrefix}${String(now).slice(-8)}${String(s.seq).padStart(6, '0')}`;
      const o: PaperOrder = {
        orderId, symbol: order.symbol, side: order.side, qty: order.qty, productType: order.productType, state: 'working', filledQty: 0,
        orderTag: order.orderTag, placedAt: now, orderType: order.orderType, limitPrice: order.limitPrice, stopPrice: order.stopPrice,
      };
      s.orders.push(o);
      const price = fillPriceOf(o, ltp, true);
      if (price !== undefined) fillOrder(s, o, price, now);
      const outcome: PlaceOutcome = o.state === 'filled'
        ? { status: 'placed', orderId, message: 'paper order filled', filled: true, ...(o.avgPrice !== undefined ? { avgPrice: o.avgPrice } : {}) }
        : { status: 'placed', orderId, message: 'paper order resting' };
      return { next: pruned(s), result: outcome };
    });
  };

  const report = ({ orderType: _t, limitPrice: _l, stopPrice: _s, triggered: _g, ...o }: PaperOrder): OrderReport => ({ ...o });

  return {
    name: 'paper',
    getQuotes: (tickers) => quotes(tickers),
    async getPositions() {
      const state = await sweep();
      const out: Position[] = [];
      const ltps = await quotes(Object.values(state.positions).map((p) => p.symbol));
      for (const { cash, ...p } of Object.values(state.positions)) {
        const ltp = ltps.get(p.symbol);
        out.push(ltp !== undefined && cash !== undefined ? { ...p, ltp, pnl: Math.round((cash + p.netQty * ltp) * 100) / 100 } : p);
      }
      return out;
    },
    placeOrder: (order) => place(order),
    async placeBasket(orders) {
      const out: PlaceOutcome[] = [];
      for (const o of orders) out.push(await place(o));
      return out;
    },
    async cancelOrder(orderId): Promise<CancelOutcome> {
      await sweep();
      return book.update<CancelOutcome>((cur) => {
        const s = freshState(cur);
        const o = s.orders.find((x) => x.orderId === orderId);
        if (!o) return { result: { status: 'not-open', reason: `no order ${orderId}` } };
        if (o.state !== 'working') return { result: { status: 'not-open', reason: `the order is already ${o.state}` } };
        o.state = 'cancelled';
        return { next: s, result: { status: 'cancelled' } };
      });
    },
    async modifyOrder(orderId, change): Promise<ModifyOutcome> {
      const seen = (await sweep()).orders.find((x) => x.orderId === orderId);
      if (!seen || seen.state !== 'working') return { status: 'refused', reason: seen ? `the order is already ${seen.state}` : `no order ${orderId}` };
      // Checked as at placement, all before any field changes, so a refused change leaves the order as it was.
      if (change.qty !== undefined) {
        const inst = (await opts.symbols()).byTicker(seen.symbol);
        if (!Number.isInteger(change.qty) || change.qty <= 0 || (inst && change.qty % inst.lotSize !== 0)) return { status: 'refused', reason: `qty ${change.qty} is not a positive multiple of the lot size` };
      }
      for (const price of [change.limitPrice, change.stopPrice]) {
        if (price !== undefined && !(Number.isFinite(price) && price > 0)) return { status: 'refused', reason: `price ${price} is not positive` };
      }
      return book.update<ModifyOutcome>((cur) => {
        const s = freshState(cur);
        const o = s.orders.find((x) => x.orderId === orderId);
        // It may have filled or been cancelled since it was looked at.
        if (!o || o.state !== 'working') return { result: { status: 'refused', reason: o ? `the order is already ${o.state}` : `no order ${orderId}` } };
        if (change.qty !== undefined) o.qty = change.qty;
        if (change.limitPrice !== undefined) o.limitPrice = change.limitPrice;
        if (change.stopPrice !== undefined) o.stopPrice = change.stopPrice;
        return { next: s, result: { status: 'modified' } };
      });
    },
    async getFunds() {
      return { available: opts.funds ?? DEFAULT_PAPER_FUNDS };
    },
    async findOrders(q) {
      const state = await sweep();
      return state.orders.filter((o) => (q.tag === undefined || o.orderTag === q.tag) && (q.id === undefined || o.orderId === q.id)).map(report);
    },
    async tradebook() {
      return (await sweep()).trades!.map((t) => ({ ...t }));
    },
    async checkSession(): Promise<BrokerSession> {
      return { valid: true };
    },
  };
}
