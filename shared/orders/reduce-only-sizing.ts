import type { OrderState } from '../broker/broker.port';
import { DependencyUnavailableError } from '../errors';
import { reduceOnlyLots } from '../risk/lot-sizing';
import { isManagedExitTag } from './order-tags';
import type { PlaceOrderDeps } from './place-order.deps';
import type { PreparedOrder } from './prepared-order';

/** Accepted but not done: what they have not filled yet is already on its way to close. */
const STILL_WORKING: ReadonlySet<OrderState> = new Set(['working', 'partially_filled']);

/**
 * How many lots a reduce-only order may take without flipping the position. Positions only move when
 * orders fill, so two closes close together would both see the whole position: the contract is held
 * for a settle time (a second close gets a certain-nothing-sent 503 and TradingView resends it after
 * 5 s, by which time the first has filled), and orders still working on the closing side count as
 * already closing. The bridge's own managed exits are not someone else's close: the close withdraws
 * them before it leaves, so they never count here.
 */
export async function closableLots(
  deps: Pick<PlaceOrderDeps, 'broker' | 'leases' | 'settings' | 'clock'>,
  p: PreparedOrder,
  owner: string,
  sendBy: number,
): Promise<number> {
  const inst = p.instrument;
  const settleMs = deps.settings.reduceOnlySettleMs;
  const now = deps.clock();
  // Held until the order has certainly left (or cannot leave any more) plus the settle time: an order
  // queued in the pacer is invisible in the orderbook, so a second close sized meanwhile would flip the
  // position. settleCloseHold() shortens it to the settle time once the send is decided.
  if (!(await deps.leases.tryAcquire(reduceOnlyHold(p), owner, Math.max(settleMs, sendBy - now + settleMs), now))) {
    throw new DependencyUnavailableError('Another close of this contract is still settling; nothing was sent. TradingView will retry.', { retryAfterMs: settleMs });
  }
  const [positions, orders] = await Promise.all([deps.broker.getPositions(), deps.broker.findOrders({})]);
  const same = (x: { symbol: string; productType: string }) => x.symbol === inst.ticker && x.productType === p.productType;
  const netQty = positions.filter(same).reduce((sum, pos) => sum + pos.netQty, 0);
  const working = orders
    .filter((o) => same(o) && o.side === p.side && STILL_WORKING.has(o.state) && !isManagedExitTag(o.orderTag))
    .reduce((sum, o) => sum + o.qty - o.filledQty, 0);
  const effective = netQty > 0 ? Math.max(0, netQty - working) : Math.min(0, netQty + working);
  return reduceOnlyLots(p.lots, p.side, effective, inst.lotSize);
}

const reduceOnlyHold = (p: PreparedOrder) => `reduce-only:${p.instrument.ticker}:${p.productType}`;

/**
 * After the send is decided: a sent close keeps the contract for the settle time from now (its fill
 * must reach the position first); a close that certainly never left frees it at once.
 */
export async function settleCloseHold(deps: Pick<PlaceOrderDeps, 'leases' | 'settings' | 'clock' | 'logger'>, p: PreparedOrder, owner: string, sent: boolean): Promise<void> {
  const name = reduceOnlyHold(p);
  const done = sent ? deps.leases.tryAcquire(name, owner, deps.settings.reduceOnlySettleMs, deps.clock()) : deps.leases.release(name, owner);
  await Promise.resolve(done).catch((e: unknown) => deps.logger.warn('could not settle the close hold', { error: e }));
}
