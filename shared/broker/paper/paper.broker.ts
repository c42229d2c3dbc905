import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../../platform/clock';
import type { SymbolIndex } from '../../symbols/instrument';
import { UNDERLYINGS } from '../../symbols/underlyings';
import type { Broker, BrokerOrder, BrokerSession, CancelOutcome, OrderRequest, PlaceOutcome, Position } from '../broker.port';
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
}

/** A position with the cash it moved, so its P&L is cash plus the open quantity at the current price. */
type PaperPosition = Position & { cash?: number };
const DEFAULT_PAPER_FUNDS = 1_000_000;

interface PaperState {
  orders: BrokerOrder[];
  positions: Record<string, PaperPosition>;
  seq: number;
}

/**
 * A broker that fills every valid order at once, at the configured price or the LTP it quotes itself.
 * It keeps an order book and net positions so reduce-only rules and tag lookups behave as with Fyers.
 */
export function createPaperBroker(opts: PaperBrokerOptions): Broker & { state(): PaperState } {
  const state: PaperState = load(opts.stateFile) ?? { orders: [], positions: {}, seq: 0 };
  const spotByTicker = new Map(Object.entries(UNDERLYINGS).map(([u, info]) => [info.spotTicker, PAPER_SPOT[u] ?? 0]));

  const persist = () => {
    if (!opts.stateFile) return;
    mkdirSync(dirname(opts.stateFile), { recursive: true });
    const tmp = `${opts.stateFile}.${process.pid}.tmp`;
    // flush: the data is on disk before the rename makes it the state (a crash leaves old or new, never torn).
    writeFileSync(tmp, JSON.stringify(state), { flush: true });
    renameSync(tmp, opts.stateFile);
  };

  const quote = async (ticker: string): Promise<number | undefined> => {
    const spot = spotByTicker.get(ticker);
    if (spot) return spot;
    const inst = (await opts.symbols()).byTicker(ticker);
    if (!inst) return undefined;
    if (opts.fillPrice) return opts.fillPrice;
    return paperPremium(inst, PAPER_SPOT[inst.underlying] ?? inst.strike, opts.clock());
  };

  const broker: Broker & { state(): PaperState } = {
    name: 'paper',
    state: () => state,
    async getQuotes(tickers) {
      const out = new Map<string, number>();
      for (const t of tickers) {
        const ltp = await quote(t);
        if (ltp !== undefined) out.set(t, ltp);
      }
      return out;
    },
    async getPositions() {
      const out: Position[] = [];
      for (const { cash, ...p } of Object.values(state.positions)) {
        const ltp = await quote(p.symbol);
        out.push(ltp !== undefined && cash !== undefined ? { ...p, ltp, pnl: Math.round((cash + p.netQty * ltp) * 100) / 100 } : p);
      }
      return out;
    },
    async placeOrder(order: OrderRequest): Promise<PlaceOutcome> {
      const inst = (await opts.symbols()).byTicker(order.symbol);
      if (!inst) return { status: 'rejected', code: -300, reason: `Invalid symbol ${order.symbol}` };
      if (order.qty <= 0 || order.qty % inst.lotSize !== 0) {
        return { status: 'rejected', code: -50, reason: `qty ${order.qty} is not a multiple of the lot size ${inst.lotSize}` };
      }
      state.seq += 1;
      const now = opts.clock();
      const orderId = `PAPER${String(now).slice(-8)}${String(state.seq).padStart(6, '0')}`;
      const price = order.orderType === 'LIMIT' && order.limitPrice ? order.limitPrice : await quote(order.symbol);
      state.orders.push({
        orderId, symbol: order.symbol, side: order.side, qty: order.qty, productType: order.productType,
        state: 'filled', orderTag: order.orderTag, placedAt: now, message: 'paper fill',
        filledQty: order.qty, ...(price !== undefined ? { avgFillPrice: price } : {}),
      });
      const key = `${order.symbol}-${order.productType}`;
      const pos = state.positions[key] ?? { symbol: order.symbol, productType: order.productType, netQty: 0, cash: 0 };
      const signed = order.side === 'BUY' ? order.qty : -order.qty;
      pos.netQty += signed;
      if (price !== undefined && pos.cash !== undefined) pos.cash -= signed * price;
      state.positions[key] = pos;
      persist();
      return { status: 'placed', orderId, message: 'paper order filled', filled: true };
    },
    async placeBasket(orders: OrderRequest[]): Promise<PlaceOutcome[]> {
      const out: PlaceOutcome[] = [];
      for (const o of orders) out.push(await broker.placeOrder(o));
      return out;
    },
    async cancelOrder(orderId: string): Promise<CancelOutcome> {
      const order = state.orders.find((o) => o.orderId === orderId);
      // Paper orders fill at once, so there is never anything left to cancel.
      return { cancelled: false, reason: order ? 'the order is already filled' : `no order ${orderId}` };
    },
    async getFunds() {
      return { available: opts.funds ?? DEFAULT_PAPER_FUNDS };
    },
    async findOrders(q) {
      return state.orders.filter((o) => q.tag === undefined || o.orderTag === q.tag).map((o) => ({ ...o }));
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
