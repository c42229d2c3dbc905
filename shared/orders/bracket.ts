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
