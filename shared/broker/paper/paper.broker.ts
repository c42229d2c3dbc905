import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../../platform/clock';
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
  /** Where the order book and positions persist across restarts; memory only when absent. */
  stateFile?: string;
  /** Available funds it reports, in rupees. */
  funds?: number;
  /** Prices from elsewhere (a live feed) for tickers it knows; its own synthetic price otherwise. */
  quotes?: (tickers: string[]) => Promise<Map<string, number>>;
}

/** A position with the cash it moved, so its P&L is cash plus the open quantity at the current price. */
type PaperPosition = Position & { cash?: number };
/** A resting order keeps what it needs to fill later. */
type PaperOrder = OrderReport & { orderType?: OrderRequest['orderType']; limitPrice?: number; stopPrice?: number; triggered?: boolean };
const DEFAULT_PAPER_FUNDS = 1_000_000;

interface PaperState {
  orders: PaperOrder[];
  positions: Record<string, PaperPosition>;
  trades?: TradeFill[];
  seq: number;
}

/**
 * A broker that trades against its own prices. MARKET orders fill at once; a LIMIT fills at once when
 * marketable and otherwise rests; a STOP_LIMIT rests until its trigger is crossed. Resting orders are
 * looked at again whenever the book, the trades or the positions are read, so the bridge's own exits
 * behave as they would at Fyers. It keeps an order book, a tradebook and net positions, so reduce-only
 * rules, tag lookups and the lifecycle work the same as with Fyers.
 */
export function createPaperBroker(opts: PaperBrokerOptions): Broker & { state(): PaperState } {
  const state: PaperState = load(opts.stateFile) ?? { orders: [], positions: {}, seq: 0 };
  state.trades ??= [];
  const spotByTicker = new Map(Object.entries(UNDERLYINGS).map(([u, info]) => [info.spotTicker, PAPER_SPOT[u] ?? 0]));

  const persist = () => {
    if (!opts.stateFile) return;
    mkdirSync(dirname(opts.stateFile), { recursive: true });
    const tmp = `${opts.stateFile}.${process.pid}.tmp`;
    // flush: the data is on disk before the rename makes it the state (a crash leaves old or new, never torn).
    writeFileSync(tmp, JSON.stringify(state), { flush: true });
    renameSync(tmp, opts.stateFile);
  };

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
    const live = opts.quotes ? await opts.quotes(tickers).catch(() => new Map<string, number>()) : new Map<string, number>();
    for (const t of tickers) {
      const ltp = live.get(t) ?? (await ownQuote(t));
      if (ltp !== undefined) out.set(t, ltp);
    }
    return out;
  };

  const fill = (o: PaperOrder, price: number | undefined) => {
    const now = opts.clock();
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
  };

  /**
   * The price an order fills at now, or undefined while it should keep resting. A new order that is
   * marketable trades at the market (never worse than its limit); a resting one fills at its limit,
   * since the price came to it somewhere between two reads. Marks a stop-limit triggered once its
   * trigger is crossed, for good.
   */
  const fillPriceOf = (o: PaperOrder, ltp: number | undefined, isNew: boolean): number | undefined => {
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
  };

  /** Resting orders whose price has come fill now. */
  const sweep = async () => {
    const resting = state.orders.filter((o) => o.state === 'working');
    if (resting.length === 0) return;
    const ltps = await quotes([...new Set(resting.map((o) => o.symbol))]);
    let changed = false;
    for (const o of resting) {
      // While the quotes were awaited another read may have filled it, or a cancel ended it.
      if (o.state !== 'working') continue;
      const wasTriggered = o.triggered;
      const price = fillPriceOf(o, ltps.get(o.symbol), false);
      if (o.triggered !== wasTriggered) changed = true;
      if (price === undefined) continue;
      fill(o, price);
      changed = true;
    }
    if (changed) persist();
  };

  const place = async (order: OrderRequest): Promise<PlaceOutcome> => {
    const inst = (await opts.symbols()).byTicker(order.symbol);
    if (!inst) return { status: 'rejected', code: -300, reason: `Invalid symbol ${order.symbol}` };
    if (order.qty <= 0 || order.qty % inst.lotSize !== 0) {
      return { status: 'rejected', code: -50, reason: `qty ${order.qty} is not a multiple of the lot size ${inst.lotSize}` };
    }
    state.seq += 1;
    const now = opts.clock();
    const orderId = `PAPER${String(now).slice(-8)}${String(state.seq).padStart(6, '0')}`;
    const o: PaperOrder = {
      orderId, symbol: order.symbol, side: order.side, qty: order.qty, productType: order.productType, state: 'working', filledQty: 0,
      orderTag: order.orderTag, placedAt: now, orderType: order.orderType, limitPrice: order.limitPrice, stopPrice: order.stopPrice,
    };
    const ltp = (await quotes([order.symbol])).get(order.symbol);
    // Into the book only once its own price is known, so a read sweeping meanwhile cannot fill it as well.
    state.orders.push(o);
    const price = fillPriceOf(o, ltp, true);
    if (price !== undefined) fill(o, price);
    persist();
    return o.state === 'filled'
      ? { status: 'placed', orderId, message: 'paper order filled', filled: true, ...(o.avgPrice !== undefined ? { avgPrice: o.avgPrice } : {}) }
      : { status: 'placed', orderId, message: 'paper order resting' };
  };

  const report = ({ orderType: _t, limitPrice: _l, stopPrice: _s, triggered: _g, ...o }: PaperOrder): OrderReport => ({ ...o });

  const broker: Broker & { state(): PaperState } = {
    name: 'paper',
    state: () => state,
    getQuotes: (tickers) => quotes(tickers),
    async getPositions() {
      await sweep();
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
      const o = state.orders.find((x) => x.orderId === orderId);
      if (!o) return { status: 'not-open', reason: `no order ${orderId}` };
      if (o.state !== 'working') return { status: 'not-open', reason: `the order is already ${o.state}` };
      o.state = 'cancelled';
      persist();
      return { status: 'cancelled' };
    },
    async modifyOrder(orderId, change): Promise<ModifyOutcome> {
      await sweep();
      const o = state.orders.find((x) => x.orderId === orderId);
      if (!o || o.state !== 'working') return { status: 'refused', reason: o ? `the order is already ${o.state}` : `no order ${orderId}` };
      // Checked as at placement, all before any field changes, so a refused change leaves the order as it was.
      if (change.qty !== undefined) {
        const inst = (await opts.symbols()).byTicker(o.symbol);
        if (!Number.isInteger(change.qty) || change.qty <= 0 || (inst && change.qty % inst.lotSize !== 0)) return { status: 'refused', reason: `qty ${change.qty} is not a positive multiple of the lot size` };
      }
      for (const price of [change.limitPrice, change.stopPrice]) {
        if (price !== undefined && !(Number.isFinite(price) && price > 0)) return { status: 'refused', reason: `price ${price} is not positive` };
      }
      if (o.state !== 'working') return { status: 'refused', reason: `the order is already ${o.state}` };
      if (change.qty !== undefined) o.qty = change.qty;
      if (change.limitPrice !== undefined) o.limitPrice = change.limitPrice;
      if (change.stopPrice !== undefined) o.stopPrice = change.stopPrice;
      persist();
      return { status: 'modified' };
    },
    async getFunds() {
      return { available: opts.funds ?? DEFAULT_PAPER_FUNDS };
    },
    async findOrders(q) {
      await sweep();
      return state.orders.filter((o) => (q.tag === undefined || o.orderTag === q.tag) && (q.id === undefined || o.orderId === q.id)).map(report);
    },
    async tradebook() {
      await sweep();
      return state.trades!.map((t) => ({ ...t }));
    },
    async checkSession(): Promise<BrokerSession> {
      return { valid: true };
    },
  };
  return broker;
}

function load(file?: string): PaperState | undefined {
  if (!file) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PaperState;
  } catch {
    return undefined;
  }
}
