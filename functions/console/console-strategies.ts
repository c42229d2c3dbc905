import type { Position } from '../../shared/broker/broker.port';
import type { OrderRecord } from '../../shared/orders/lifecycle/order-record';
import type { OrderView } from '../../shared/orders/order-views';
import { applyHoldingChange, type HeldLeg, type Holding } from '../../shared/store/holdings.port';

/**
 * Per strategy, what the console shows: what it holds (the bridge's book), what the broker holds in
 * the same contracts, today's P&L on its own orders, and the protection working on each entry. Pure:
 * it only joins what the view read.
 */

export interface HeldLine {
  strategy: string;
  underlying: string;
  leg: HeldLeg;
  /** The broker's net quantity in this contract and product (all strategies together). */
  brokerNetQty?: number;
  ltp?: number;
  /** Average price of this strategy's open fills today, from its records. */
  avgPrice?: number;
  unrealised?: number;
}

export interface ProtectionLine {
  /** The entry record the exits protect. */
  entryId: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  qty: number;
  stop?: { level?: number; status: string; brokerState?: string };
  target?: { level?: number; status: string; brokerState?: string };
  trailing: boolean;
  done?: string;
}

export interface OrderLine {
  record: OrderRecord;
  /** The broker's word for it now, when its orderbook lists it. */
  brokerState?: string;
  /** Still working: it can be cancelled from the page. */
  cancellable: boolean;
}

/** An order of the strategy not finished when its alert was booked (the book holds only what filled). */
export interface WaitingLine {
  underlying: string;
  intent: 'open' | 'close';
  /** The order's side. */
  side: 'BUY' | 'SELL';
  ticker: string;
  qty: number;
  filledQty: number;
}

export interface StrategyView {
  name: string;
  held: HeldLine[];
  /** Orders its next alert will settle (cancel if they still rest); what they filled is already in `held`. */
  waiting: WaitingLine[];
  /** Realised + unrealised on today's orders of this strategy, in rupees; undefined when a price is missing. */
  pnl?: number;
  protection: ProtectionLine[];
  orders: OrderLine[];
}

const WORKING = new Set(['accepted', 'partially_filled']);
/** The broker's words (order-views) for an order that can still be cancelled. */
const BROKER_WORKING = new Set(['working', 'partly filled', 'in transit']);
const canCancel = (r: OrderRecord, brokerState: string | undefined) => WORKING.has(r.state) && r.orderId !== undefined && (brokerState === undefined || BROKER_WORKING.has(brokerState));
const sign = (side: 'BUY' | 'SELL') => (side === 'BUY' ? 1 : -1);

/** An exit leg's level from the entry's fill and the alert's offsets (stop below a long, above a short). */
function levels(r: OrderRecord): { stop?: number; target?: number } {
  const x = r.exits;
  if (!x || r.avgPrice === undefined) return {};
  const s = sign(r.side);
  const round = (p: number) => Math.round(p / x.tickSize) * x.tickSize;
  return {
    ...(x.slPoints !== undefined ? { stop: round(r.avgPrice - s * x.slPoints) } : {}),
    ...(x.tpPoints !== undefined ? { target: round(r.avgPrice + s * x.tpPoints) } : {}),
  };
}

export function strategyViews(input: { holdings: Holding[]; records: OrderRecord[]; positions: Position[]; brokerOrders: OrderView[] }): StrategyView[] {
  const byOrderId = new Map(input.brokerOrders.map((o) => [o.orderId, o]));
  const position = (ticker: string, product: string) => input.positions.find((p) => p.symbol === ticker && p.productType === product);
  const names = new Set<string>([...input.holdings.map((h) => h.strategy), ...input.records.filter((r) => r.strategy).map((r) => r.strategy!)]);
  return [...names].sort().map((name) => {
    const records = input.records.filter((r) => r.strategy === name);
    const mine = input.holdings.filter((h) => h.strategy === name).map((h) => ({ h, now: withLaterFills(h, records) }));
    const waiting: WaitingLine[] = mine.flatMap(({ h }) =>
      (h.pending ?? []).map((p) => ({
        underlying: h.underlying, intent: p.intent, side: p.intent === 'open' ? p.leg.side : p.leg.side === 'BUY' ? 'SELL' : 'BUY', ticker: p.leg.ticker, qty: p.leg.qty, filledQty: filledOf(records, p.orderTag),
      })),
    );
    const held: HeldLine[] = mine
      .flatMap(({ h, now }) =>
        now.legs.map((leg) => {
          const p = position(leg.ticker, leg.productType);
          const fills = records.filter((r) => r.symbol === leg.ticker && r.side === leg.side && r.filledQty > 0 && r.avgPrice !== undefined);
          const qty = fills.reduce((s, r) => s + r.filledQty, 0);
          const avgPrice = qty > 0 ? fills.reduce((s, r) => s + r.filledQty * r.avgPrice!, 0) / qty : undefined;
          const unrealised = avgPrice !== undefined && p?.ltp !== undefined ? sign(leg.side) * (p.ltp - avgPrice) * leg.qty : undefined;
          return { strategy: name, underlying: h.underlying, leg, brokerNetQty: p?.netQty, ltp: p?.ltp, avgPrice, unrealised };
        }),
      );
    // Today's cash flow on every fill, plus what is still held marked at the last price.
    let pnl: number | undefined = records.reduce((s, r) => s + (r.avgPrice !== undefined ? -sign(r.side) * r.filledQty * r.avgPrice : 0), 0);
    for (const h of held) {
      if (h.ltp === undefined) pnl = undefined;
      else if (pnl !== undefined) pnl += sign(h.leg.side) * h.leg.qty * h.ltp;
    }
    // A record behind the broker (still "accepted" while the broker says filled) has no fill price yet: no P&L rather than a wrong one.
    if (records.some((r) => r.filledQty === 0 && r.orderId !== undefined && byOrderId.get(r.orderId)?.state === 'filled')) pnl = undefined;
    const exitState = (id: string | undefined) => (id ? byOrderId.get(id)?.state : undefined);
    const legOf = (rs: OrderRecord[], parent: string, role: 'stop' | 'target') => rs.find((r) => r.parentId === parent && r.role === role);
    const protection: ProtectionLine[] = records
      .filter((r) => r.role === 'entry' && r.exits && (r.exits.slPoints !== undefined || r.exits.tpPoints !== undefined))
      .map((r) => {
        const lv = levels(r);
        const x = r.exits!;
        const leg = (which: 'stop' | 'target') => {
          const l = x[which];
          const rec = legOf(records, r.id, which);
          const status = x.done ? 'done' : !l ? 'not placed yet' : l.status === 'gone' ? 'gone' : rec && !WORKING.has(rec.state) ? rec.state.replaceAll('_', ' ') : 'working';
          return { level: which === 'stop' ? lv.stop : lv.target, status, brokerState: exitState(l?.orderId) };
        };
        return {
          entryId: r.id,
          symbol: r.symbol,
          side: r.side,
          qty: r.filledQty || r.qty,
          ...(x.slPoints !== undefined ? { stop: leg('stop') } : {}),
          ...(x.tpPoints !== undefined ? { target: leg('target') } : {}),
          trailing: 'trail' in x || 'trailPoints' in x,
          ...(x.done ? { done: x.done.replaceAll('_', ' ') } : {}),
        };
      });
    const orders = records.map((record) => line(record, byOrderId));
    return { name, held, waiting, pnl, protection, orders };
  });
}

const filledOf = (records: OrderRecord[], orderTag: string) => records.filter((r) => r.orderTag === orderTag).reduce((s, r) => s + r.filledQty, 0);

/**
 * The book as its strategy holds it now: a pending order's fills since its alert (its records know
 * them from the postbacks) counted as the next alert will book them, so the page answers "what do I hold".
 */
function withLaterFills(h: Holding, records: OrderRecord[]): Holding {
  if (!h.pending?.length) return h;
  const settle = h.pending.map((p) => ({ orderTag: p.orderTag, filled: filledOf(records, p.orderTag), done: false }));
  return applyHoldingChange(h, h.strategy, h.underlying, { nowMs: h.updatedAt, add: [], remove: [], settle });
}

/** Today's orders of no strategy (single-order alerts without one, and anything the page cannot attribute). */
export function unattributedOrders(records: OrderRecord[], brokerOrders: OrderView[]): OrderLine[] {
  const byOrderId = new Map(brokerOrders.map((o) => [o.orderId, o]));
  return records
    .filter((r) => !r.strategy)
    .map((record) => line(record, byOrderId));
}

function line(record: OrderRecord, byOrderId: Map<string, OrderView>): OrderLine {
  const brokerState = record.orderId ? byOrderId.get(record.orderId)?.state : undefined;
  return { record, brokerState, cancellable: canCancel(record, brokerState) };
}
