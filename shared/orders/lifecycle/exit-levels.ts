import type { ManagedExits, OrderRecord } from './order-record';

/**
 * The price levels of managed exits: what the stop and target are for an entry's fill, and where a
 * trailing stop moves to. Pure functions, so the exits' write path (managed-exits) and the trail
 * (trailing-stop) compute the same numbers.
 */
export const roundToTick = (price: number, tick: number) => Math.round(Math.round(price / tick) * tick * 1e6) / 1e6;

/** +1 for a long entry (its stop is below, its target above), -1 for a short one. */
const dirOf = (entry: Pick<OrderRecord, 'side'>) => (entry.side === 'BUY' ? 1 : -1);

/** An offset in points from its points or percent form, at this price. */
const distance = (points: number | undefined, pct: number | undefined, price: number) => points ?? (pct !== undefined ? (price * pct) / 100 : undefined);

/**
 * An SL-L's limit: on the far side of the trigger, inside the exchange's protection band, so a fast
 * market still fills it; a limit too far out would be refused by the band.
 */
export function stopLimitFor(trigger: number, dir: number, tick: number, slippagePct: number): number {
  const slip = Math.max(tick, roundToTick(trigger * slippagePct, tick));
  return roundToTick(trigger - dir * slip, tick);
}

/** The price levels of both legs from the entry's average fill (points, or percent of that fill). */
export function exitLevels(entry: Pick<OrderRecord, 'avgPrice' | 'side'>, ex: ManagedExits, slippagePct: number) {
  const avg = entry.avgPrice ?? 0;
  const dir = dirOf(entry);
  const tick = ex.tickSize;
  const out: { stop?: { trigger: number; limit: number }; target?: number } = {};
  const sl = distance(ex.slPoints, ex.slPct, avg);
  const tp = distance(ex.tpPoints, ex.tpPct, avg);
  if (sl && avg > 0) {
    const trigger = roundToTick(avg - dir * sl, tick);
    const limit = stopLimitFor(trigger, dir, tick, slippagePct);
    if (trigger > 0 && limit > 0) out.stop = { trigger, limit };
  }
  if (tp && avg > 0) out.target = roundToTick(avg + dir * tp, tick);
  return out;
}

export const isTrailed = (ex: ManagedExits | undefined): boolean => ex !== undefined && (ex.trailPoints !== undefined || ex.trailPct !== undefined);

/**
 * Where a trailing stop goes after the option traded at `ltp`. The trail is a step (points, or percent
 * of the fill): each full step the best price seen so far (highest for a long entry, lowest for a short
 * one) has moved in favour of the fill, the stop moves one step the same way from where it was first
 * placed. Returns the new trigger and limit only when that is above the working stop: a trailing stop
 * never moves back, and never jumps before the price has moved.
 */
export function trailedStop(
  entry: Pick<OrderRecord, 'avgPrice' | 'side'>, ex: ManagedExits, ltp: number, slippagePct: number,
): { best: number; stop?: { trigger: number; limit: number } } {
  const dir = dirOf(entry);
  const avg = entry.avgPrice ?? 0;
  const seen = ex.trailBest ?? avg;
  const best = ltp > 0 ? (dir > 0 ? Math.max(seen, ltp) : Math.min(seen, ltp)) : seen;
  const current = ex.stop?.trigger;
  const step = distance(ex.trailPoints, ex.trailPct, avg);
  const first = exitLevels(entry, ex, slippagePct).stop?.trigger;
  if (!step || !(avg > 0) || current === undefined || first === undefined) return { best };
  const steps = Math.floor((dir * (best - avg)) / step + 1e-9);
  if (steps <= 0) return { best };
  const tick = ex.tickSize;
  const trigger = roundToTick(first + dir * steps * step, tick);
  if (dir * (trigger - current) < tick - 1e-9 || trigger <= 0) return { best };
  const limit = stopLimitFor(trigger, dir, tick, slippagePct);
  return limit > 0 ? { best, stop: { trigger, limit } } : { best };
}
