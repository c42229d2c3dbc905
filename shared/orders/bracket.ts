import { RiskRefusedError } from '../errors';
import type { Side } from '../broker/broker.port';
import { fromTicks, toTicks } from '../symbols/tick';

export interface BracketInput {
  side: Side;
  /** Reference entry: the LTP for market orders, the limit price for limit orders. */
  entry: number;
  tickSize: number;
  /** Points from the entry, as the trader wrote them. */
  sl?: number;
  tp?: number;
}

export interface Bracket {
  /** Offsets sent to Fyers, exact tick multiples, at least one tick. */
  stopLossOffset?: number;
  takeProfitOffset?: number;
  /** The levels those offsets mean, for the trader's response and the audit. */
  stopLossPrice?: number;
  takeProfitPrice?: number;
}

/**
 * Direction-aware SL/TP. A BUY protects below and targets above the entry; a SELL the reverse.
 * Offsets are rounded to the nearest tick (never to zero, which Fyers reads as "no leg"), and the
 * levels are derived from the rounded offsets so what we report is exactly what Fyers will use.
 */
export function computeBracket(input: BracketInput): Bracket {
  const { side, entry, tickSize } = input;
  if (!(entry > 0) || !(tickSize > 0)) throw new RiskRefusedError('No valid entry price to place the stop loss and target from');
  const entryTicks = toTicks(entry, tickSize);
  const sign = side === 'BUY' ? 1 : -1;
  const out: Bracket = {};
  if (input.sl !== undefined) {
    const slTicks = Math.max(1, toTicks(input.sl, tickSize));
    const levelTicks = entryTicks - sign * slTicks;
    if (levelTicks <= 0) {
      throw new RiskRefusedError(`Stop loss of ${input.sl} points is at or below zero for an entry of ${entry}`, { field: 'sl' });
    }
    out.stopLossOffset = fromTicks(slTicks, tickSize);
    out.stopLossPrice = fromTicks(levelTicks, tickSize);
  }
  if (input.tp !== undefined) {
    const tpTicks = Math.max(1, toTicks(input.tp, tickSize));
    const levelTicks = entryTicks + sign * tpTicks;
    if (levelTicks <= 0) {
      throw new RiskRefusedError(`Target of ${input.tp} points is at or below zero for an entry of ${entry}`, { field: 'tp' });
    }
    out.takeProfitOffset = fromTicks(tpTicks, tickSize);
    out.takeProfitPrice = fromTicks(levelTicks, tickSize);
  }
  return out;
}

/**
 * The offsets alone, which is all Fyers needs: they do not depend on the entry, so a MARKET order can
 * leave before its price is known. The same rounding as computeBracket.
 */
export function bracketOffsets(input: Omit<BracketInput, 'entry'>): Pick<Bracket, 'stopLossOffset' | 'takeProfitOffset'> {
  const { tickSize } = input;
  if (!(tickSize > 0)) throw new RiskRefusedError('No valid tick size to place the stop loss and target with');
  const out: Pick<Bracket, 'stopLossOffset' | 'takeProfitOffset'> = {};
  if (input.sl !== undefined) out.stopLossOffset = fromTicks(Math.max(1, toTicks(input.sl, tickSize)), tickSize);
  if (input.tp !== undefined) out.takeProfitOffset = fromTicks(Math.max(1, toTicks(input.tp, tickSize)), tickSize);
  return out;
}

/**
 * The levels an entry and offsets mean, for the reply and the audit, once the price is known. A level
 * at or below zero (a stop wider than the premium) is left out rather than reported as a price.
 */
export function bracketLevels(input: Omit<BracketInput, 'entry' | 'sl' | 'tp'> & { entry: number | undefined; stopLossOffset?: number; takeProfitOffset?: number }): Pick<Bracket, 'stopLossPrice' | 'takeProfitPrice'> {
  const { side, entry, tickSize } = input;
  if (!(entry !== undefined && entry > 0) || !(tickSize > 0)) return {};
  const entryTicks = toTicks(entry, tickSize);
  const sign = side === 'BUY' ? 1 : -1;
  const level = (offset: number | undefined, dir: number) => {
    if (offset === undefined) return undefined;
    const ticks = entryTicks + dir * sign * toTicks(offset, tickSize);
    return ticks > 0 ? fromTicks(ticks, tickSize) : undefined;
  };
  const out: Pick<Bracket, 'stopLossPrice' | 'takeProfitPrice'> = {};
  const sl = level(input.stopLossOffset, -1);
  const tp = level(input.takeProfitOffset, 1);
  if (sl !== undefined) out.stopLossPrice = sl;
  if (tp !== undefined) out.takeProfitPrice = tp;
  return out;
}
