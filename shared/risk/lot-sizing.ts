import { RiskRefusedError } from '../errors';

export interface LotLimits {
  maxLots: number;
  lotSize: number;
  /** Exchange freeze quantity in units: one order may not carry more. */
  freezeQty?: number;
}

/**
 * Lots → units with the caps applied. Over a cap we refuse rather than trim: a strategy that asked for
 * 20 lots and silently got 10 is sized wrong without knowing it.
 */
export function unitsForLots(lots: number, limits: LotLimits): number {
  if (!Number.isInteger(lots) || lots < 1) throw new RiskRefusedError('qty must be a whole number of lots, at least 1', { field: 'qty' });
  if (!(limits.lotSize > 0)) throw new RiskRefusedError('The instrument has no valid lot size in the symbol master');
  if (lots > limits.maxLots) {
    throw new RiskRefusedError(`qty ${lots} lots exceeds the maximum of ${limits.maxLots} lots per order`, { field: 'qty', maxLots: limits.maxLots });
  }
  const units = lots * limits.lotSize;
  if (limits.freezeQty !== undefined) slicesFor(units, limits.lotSize, limits.freezeQty);
  return units;
}

/** Fyers slices at most this many ways (isSliceOrder). */
export const MAX_SLICES = 10;

/**
 * The slices an order of `units` goes out as: one when it fits under the freeze quantity, else slices of
 * the largest whole-lot size within it. Opens and closes alike: a close that cannot leave is a position
 * carried overnight. More than 10 slices is refused, naming both limits.
 */
export function slicesFor(units: number, lotSize: number, freezeQty: number): number[] {
  if (units <= freezeQty) return [units];
  const per = Math.floor(freezeQty / lotSize) * lotSize;
  if (per < lotSize) throw new RiskRefusedError(`The freeze quantity ${freezeQty} is below one lot (${lotSize}); the order cannot be placed`, { freezeQty });
  const count = Math.ceil(units / per);
  if (count > MAX_SLICES) {
    throw new RiskRefusedError(
      `qty ${units / lotSize} lots (${units} units) needs ${count} slices at the freeze limit of ${freezeQty} units (${per / lotSize} lots each); at most ${MAX_SLICES} slices (${(MAX_SLICES * per) / lotSize} lots) go in one order`,
      { field: 'qty', freezeQty, maxSlices: MAX_SLICES },
    );
  }
  return Array.from({ length: count }, (_, i) => Math.min(per, units - i * per));
}

/**
 * Reduce-only sizing: a close may only shrink an opposite position, never flip it. Returns the lots to
 * send (the request capped at the open size), or throws when there is nothing opposite to close.
 */
export function reduceOnlyLots(requestedLots: number, side: 'BUY' | 'SELL', netQty: number, lotSize: number): number {
  const opposite = side === 'BUY' ? netQty < 0 : netQty > 0;
  if (!opposite) {
    throw new RiskRefusedError(
      `Reduce-only: no ${side === 'BUY' ? 'short' : 'long'} position to close in this contract, so a ${side} would open one`,
      { netQty },
    );
  }
  const openLots = Math.floor(Math.abs(netQty) / lotSize);
  if (openLots < 1) throw new RiskRefusedError('Reduce-only: the open position is smaller than one lot', { netQty });
  return Math.min(requestedLots, openLots);
}
