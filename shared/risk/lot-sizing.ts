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
  if (limits.freezeQty !== undefined && units > limits.freezeQty) {
    const maxByFreeze = Math.floor(limits.freezeQty / limits.lotSize);
    throw new RiskRefusedError(
      `qty ${lots} lots (${units} units) exceeds the exchange freeze limit of ${limits.freezeQty} units (${maxByFreeze} lots)`,
      { field: 'qty', freezeQty: limits.freezeQty },
    );
  }
  return units;
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
