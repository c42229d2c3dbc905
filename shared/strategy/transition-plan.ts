import type { PositionSide } from '../alert/strategy-alert.schema';
import type { Position } from '../broker/broker.port';
import type { HeldLeg } from '../store/holdings.port';

export interface TransitionPlan {
  /** Legs to close, reduce-only, written ones first (buying them back frees margin before longs are sold). */
  close: HeldLeg[];
  /** What to open, when the desired side is not already held. */
  open?: PositionSide;
}

/** Written legs before bought ones, so a flatten buys back shorts before it sells longs. */
export const shortsFirst = (legs: HeldLeg[]): HeldLeg[] => [...legs.filter((l) => l.side === 'SELL'), ...legs.filter((l) => l.side === 'BUY')];

/**
 * From what a strategy holds in one underlying to what the alert wants: close whatever is on the wrong
 * side, open the desired side if nothing of it is held, and do nothing when it is already there (any
 * strike or size of the right option and direction counts as "there": a long that drifted from ATM is
 * still the long the strategy asked for, and re-entering would double it).
 */
export function planTransition(held: HeldLeg[], desired: 'long' | 'short' | 'flat', mapping: Record<'long' | 'short', PositionSide>): TransitionPlan {
  const want = desired === 'flat' ? undefined : mapping[desired];
  const matches = (l: HeldLeg) => want !== undefined && l.optionType === want.optionType && l.side === want.side;
  const close = shortsFirst(held.filter((l) => !matches(l)));
  const open = want && !held.some(matches) ? want : undefined;
  return open ? { close, open } : { close };
}

/**
 * Trims the bridge's book to what the broker actually holds: a leg can never be closed for more than
 * the broker's position in that contract on that side (a stop that fired, a manual exit), so every
 * close the plan makes is reduce-only. Returns the trimmed legs and those that changed.
 */
export function reconcileLegs(held: HeldLeg[], positions: Position[] | PositionPool): { legs: HeldLeg[]; trimmed: Array<{ ticker: string; from: number; to: number }> } {
  // One broker position may back several strategies' legs: a shared pool hands it out once, in book order.
  const left = positions instanceof Map ? positions : positionPool(positions);
  const legs: HeldLeg[] = [];
  const trimmed: Array<{ ticker: string; from: number; to: number }> = [];
  for (const l of held) {
    const k = `${l.ticker}|${l.productType}`;
    const net = left.get(k) ?? 0;
    const available = l.side === 'BUY' ? Math.max(0, net) : Math.max(0, -net);
    const qty = Math.min(l.qty, available - (available % l.lotSize));
    left.set(k, l.side === 'BUY' ? net - qty : net + qty);
    if (qty !== l.qty) trimmed.push({ ticker: l.ticker, from: l.qty, to: qty });
    if (qty > 0) legs.push({ ...l, qty });
  }
  return { legs, trimmed };
}

/** Net broker quantity per contract and product, to be handed out across the holdings reconciled against it. */
export type PositionPool = Map<string, number>;

export function positionPool(positions: Position[]): PositionPool {
  const pool: PositionPool = new Map();
  for (const p of positions) pool.set(`${p.symbol}|${p.productType}`, (pool.get(`${p.symbol}|${p.productType}`) ?? 0) + p.netQty);
  return pool;
}
