import { RiskRefusedError } from '../errors';
import { unitsForLots } from './lot-sizing';

/** How an alert asks for its size: whole lots, rupees at risk to the stop, or a share of available funds. */
export type QtySpec = number | { riskRupees: number } | { fundsPct: number };

export interface SizingFacts {
  lotSize: number;
  maxLots: number;
  /** Exchange freeze quantity in units, when known. */
  freezeQty?: number;
  side: 'BUY' | 'SELL';
  /** The alert's stop distance in points of the option's price. */
  slPoints?: number;
  /** The option's price per unit, for fundsPct and the funds cap of a buy. */
  premium?: number;
  /** Rupees the account can still spend. */
  availableFunds?: number;
}

/** True when sizing needs the option's price and the account's funds before it can decide. */
export const needsMarketFacts = (spec: QtySpec): boolean => typeof spec !== 'number';

const refuse = (message: string, field = 'qty', extra: Record<string, unknown> = {}) => new RiskRefusedError(message, { field, ...extra });

/**
 * The one place an alert's size becomes lots. Whole lots are checked against the caps and refused
 * above them (a strategy that asked for 20 lots must not silently get 10). A computed size is rounded
 * down to whole lots and then capped by MAX_LOTS, the freeze limit and, for a buy, what the funds pay
 * for: it asked for "at most this much risk", and less is still within that.
 */
export function sizeLots(spec: QtySpec, f: SizingFacts): number {
  if (typeof spec === 'number') {
    unitsForLots(spec, { maxLots: f.maxLots, lotSize: f.lotSize, freezeQty: f.freezeQty });
    return spec;
  }
  if (!(f.lotSize > 0)) throw new RiskRefusedError('The instrument has no valid lot size in the symbol master');
  let lots: number;
  let basis: string;
  if ('riskRupees' in spec) {
    if (!(f.slPoints && f.slPoints > 0)) throw refuse("qty.riskRupees needs the alert's sl (points to the stop) to size against", 'sl');
    const perLot = f.slPoints * f.lotSize;
    lots = Math.floor(spec.riskRupees / perLot + 1e-9);
    basis = `riskRupees ${spec.riskRupees} at sl ${f.slPoints} points (${perLot} rupees a lot)`;
  } else {
    if (f.side !== 'BUY') throw refuse('qty.fundsPct sizes by premium paid, so it only sizes buys; give lots or riskRupees for a written option');
    if (!(f.premium && f.premium > 0)) throw refuse('qty.fundsPct needs a live option price, and none is available');
    if (f.availableFunds === undefined) throw refuse('qty.fundsPct needs the available funds, and the broker did not report them');
    const budget = (f.availableFunds * spec.fundsPct) / 100;
    lots = Math.floor(budget / (f.premium * f.lotSize) + 1e-9);
    basis = `fundsPct ${spec.fundsPct} of ${f.availableFunds} rupees at premium ${f.premium}`;
  }
  if (lots < 1) throw refuse(`qty: ${basis} buys less than one lot of ${f.lotSize}`);
  const caps = [f.maxLots];
  if (f.freezeQty !== undefined) caps.push(Math.floor(f.freezeQty / f.lotSize));
  if (f.side === 'BUY' && f.premium && f.premium > 0 && f.availableFunds !== undefined) caps.push(Math.floor(f.availableFunds / (f.premium * f.lotSize) + 1e-9));
  const capped = Math.min(lots, ...caps);
  if (capped < 1) throw refuse(`qty: ${basis} gives ${lots} lots, but the available funds do not pay for one`, 'qty', { availableFunds: f.availableFunds });
  return capped;
}
