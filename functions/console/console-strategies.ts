import type { Position } from '../../shared/broker/broker.port';
import type { OrderRecord } from '../../shared/orders/lifecycle/order-record';
import type { OrderView } from '../../shared/orders/order-views';
import type { HeldLeg, Holding } from '../../shared/store/holdings.port';

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

export interface StrategyView {
  name: string;
  held: HeldLine[];
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
    const held: HeldLine[] = input.holdings
      .filter((h) => h.strategy === name)
      .flatMap((h) =>
        h.legs.map((leg) => {
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
    return { name, held, pnl, protection, orders };
  });
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
