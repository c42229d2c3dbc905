/**
 * What each strategy holds, per underlying. One account runs several strategies, and the broker's
 * positions cannot tell them apart, so the bridge keeps its own book and reconciles it against the
 * broker's positions before acting on it.
 */
export interface HeldLeg {
  ticker: string;
  optionType: 'CE' | 'PE';
  /** The side that opened it: BUY is a long option, SELL a written one. */
  side: 'BUY' | 'SELL';
  /** Units (lots x lot size), always positive. */
  qty: number;
  lotSize: number;
  productType: 'INTRADAY' | 'MARGIN';
}

/**
 * An order of the strategy the broker had not finished when its alert was booked: an MPP "market" order
 * resting, a partial fill, an answer that was lost. `legs` hold only what it had filled then; the
 * strategy's next alert (or flatten) reads the rest from the orderbook, cancelling what still rests,
 * before it plans (settle-pending.ts). Found by its tag, which no later plan reuses.
 */
export interface PendingOrder {
  orderTag: string;
  /** An open adds its fills to `leg`; a close takes them away. */
  intent: 'open' | 'close';
  /** The leg it opens or closes (`side` is the leg's, not the order's), with the order's units as `qty`. */
  leg: HeldLeg;
  /** Units of its fills already in `legs`. */
  booked: number;
  /**
   * When it was booked. Once the orderbook (a day book) no longer lists it, the bridge's records of
   * that day under its tag (one per slice, whoever wrote them) still say what it filled.
   */
  bookedAt?: number;
}

export interface Holding {
  strategy: string;
  underlying: string;
  /** Filled quantities only. */
  legs: HeldLeg[];
  /** The strategy's orders still open at the broker when they were booked; absent when none. */
  pending?: PendingOrder[];
  updatedAt: number;
  /** Alert keys whose fills are already in `legs`, newest last: applying the same alert twice changes nothing. */
  applied: string[];
}

/** A holding a flatten, a square-off or the console must see: it holds something or waits on an order. */
export const holdsAnything = (h: Holding): boolean => h.legs.length > 0 || (h.pending?.length ?? 0) > 0;

export interface HoldingChange {
  /**
   * The alert (or run) this change comes from; a change already applied is skipped. Absent for a
   * settle alone, which is safe to repeat (fills are booked against what is already booked).
   */
  key?: string;
  nowMs: number;
  /** Fills to add (open) or take away (close), in units. */
  add: HeldLeg[];
  remove: Array<Pick<HeldLeg, 'ticker' | 'side' | 'qty'>>;
  /** Orders of this change still open at the broker. */
  pending?: PendingOrder[];
  /** What the orderbook now says of pending orders: their new fills are booked here, atomically. */
  settle?: PendingFill[];
}

/** One pending order as the orderbook shows it now. */
export interface PendingFill {
  orderTag: string;
  /** Units filled in all (every slice). */
  filled: number;
  /** Nothing more can fill (filled, cancelled, refused, or gone from the orderbook): it stops being pending. */
  done: boolean;
}

export interface HoldingsStore {
  get(strategy: string, underlying: string): Promise<Holding | undefined>;
  /** Holdings with at least one leg or pending order (holdsAnything), filtered by strategy and/or underlying. */
  list(filter: { strategy?: string; underlying?: string }): Promise<Holding[]>;
  /** Applies a change atomically (transaction / per-key lock), at most once per `key`. */
  apply(strategy: string, underlying: string, change: HoldingChange): Promise<Holding>;
}

const MAX_APPLIED = 50;

/** The pure step both adapters run inside their atomic section. */
export function applyHoldingChange(current: Holding | undefined, strategy: string, underlying: string, change: HoldingChange): Holding {
  const base: Holding = current ?? { strategy, underlying, legs: [], updatedAt: change.nowMs, applied: [] };
  if (change.key !== undefined && base.applied.includes(change.key)) return base;
  const legs = base.legs.map((l) => ({ ...l }));
  for (const a of change.add) addTo(legs, a);
  for (const r of change.remove) removeFrom(legs, r);
  // A pending order's new fills count once, whoever read them: the delta is taken against what this
  // very state has booked of it, inside the same atomic section.
  let pending = (base.pending ?? []).map((p) => ({ ...p }));
  for (const f of change.settle ?? []) {
    const p = pending.find((x) => x.orderTag === f.orderTag);
    if (!p) continue;
    const more = Math.max(0, Math.min(f.filled, p.leg.qty) - p.booked);
    if (more > 0 && p.intent === 'open') addTo(legs, { ...p.leg, qty: more });
    if (more > 0 && p.intent === 'close') removeFrom(legs, { ...p.leg, qty: more });
    p.booked += more;
    if (f.done) pending = pending.filter((x) => x !== p);
  }
  pending.push(...(change.pending ?? []));
  return {
    strategy,
    underlying,
    legs: legs.filter((l) => l.qty > 0),
    ...(pending.length ? { pending } : {}),
    updatedAt: change.nowMs,
    applied: change.key === undefined ? base.applied : [...base.applied, change.key].slice(-MAX_APPLIED),
  };
}

function addTo(legs: HeldLeg[], a: HeldLeg): void {
  const same = legs.find((l) => l.ticker === a.ticker && l.side === a.side && l.productType === a.productType);
  if (same) same.qty += a.qty;
  else legs.push({ ...a });
}

function removeFrom(legs: HeldLeg[], r: Pick<HeldLeg, 'ticker' | 'side' | 'qty'>): void {
  const same = legs.find((l) => l.ticker === r.ticker && l.side === r.side);
  if (same) same.qty = Math.max(0, same.qty - r.qty);
}

export const holdingId = (strategy: string, underlying: string) => `${strategy}|${underlying}`;
