import { isOpenOrder, type OrderReport } from '../broker/broker.port';
import { planTag } from '../orders/order-tags';
import type { Holding } from '../store/holdings.port';
import type { SymbolIndex } from '../symbols/instrument';
import { bookingOf, type BookedOrder } from './close-plan';
import type { StrategyDeps } from './strategy.deps';

/*
 * A takeover of a strategy alert an interrupted instance had started: which orders that attempt sent,
 * found by tag whatever their place in its plan, and their booking. The plan a takeover rebuilds from
 * the positions as they are now may give those orders other places and tags, so `resume` alone cannot
 * find them.
 */

/** Most orders one alert's plan can hold: ten legs, or the closes of every holding a flatten touches. */
const MAX_PLAN_ORDERS = 64;

/** An order an earlier attempt of this alert sent, whatever its place in the plan that sent it; sliced ones summed. */
export interface FoundOrder {
  orderTag: string;
  role: 'open' | 'close';
  symbol: string;
  side: 'BUY' | 'SELL';
  productType: string;
  qty: number;
  filledQty: number;
  /** Some of it may still fill. */
  open: boolean;
}

/** The orders of this alert's plans in the orderbook, under any role or place (refused ones left out). */
export async function sentByEarlierAttempt(deps: StrategyDeps, baseTag: string): Promise<FoundOrder[]> {
  const rows = (await deps.broker.findOrders({})).filter((o: OrderReport) => o.state !== 'rejected');
  const found: FoundOrder[] = [];
  for (const role of ['open', 'close'] as const) {
    for (let n = 0; n < MAX_PLAN_ORDERS; n++) {
      const tag = planTag(baseTag, role, n);
      const mine = rows.filter((o) => o.orderTag === tag);
      if (!mine.length) continue;
      const o = mine[0]!;
      found.push({
        orderTag: tag, role, symbol: o.symbol, side: o.side, productType: o.productType,
        qty: mine.reduce((x, m) => x + m.qty, 0), filledQty: mine.reduce((x, m) => x + m.filledQty, 0),
        open: mine.some(isOpenOrder),
      });
    }
  }
  return found;
}

/**
 * Books what an interrupted attempt sent into the one holding the alert moves, as its own booking
 * would have: fills now, and orders still open as pending, under the alert's key (once). The contract
 * facts come from the master. False when a contract is not in it (nothing is booked then).
 */
export async function bookFound(deps: StrategyDeps, h: Holding, found: FoundOrder[], index: SymbolIndex, key: string): Promise<boolean> {
  const orders: BookedOrder[] = [];
  for (const f of found) {
    const inst = index.byTicker(f.symbol);
    if (!inst || (inst.optionType !== 'CE' && inst.optionType !== 'PE')) return false;
    orders.push({ ...f, filled: f.filledQty, mayFillMore: f.open, optionType: inst.optionType, lotSize: inst.lotSize });
  }
  const nowMs = deps.clock();
  await deps.holdings.apply(h.strategy, h.underlying, { key, nowMs, ...bookingOf(orders, nowMs) });
  return true;
}
