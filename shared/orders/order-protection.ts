import type { ProtectionMode } from '../alert/protection';
import { isPct, pctOf, pointsOf, type Offset } from '../alert/offset';
import type { OrderRequest, Side } from '../broker/broker.port';
import { bracketOffsets } from './bracket';
import type { ExitSpec } from './execute/order-plan';

export interface ProtectionOffsets {
  stopLossOffset?: number;
  takeProfitOffset?: number;
}

/** What an alert asks to protect an open with: stop, target and trail, each in points or percent. */
export interface ProtectionAsk {
  sl?: Offset;
  tp?: Offset;
  trail?: Offset;
}

export interface Protection {
  /** Fields on the order itself: TP/SL legs under PROTECTION=legs. */
  order: Pick<OrderRequest, 'stopLoss' | 'takeProfit' | 'legs'>;
  /** Managed exits to hold once the order fills (PROTECTION=managed). */
  exits?: ExitSpec;
  /** The same protection as managed exits, should the broker refuse the order for its legs. */
  exitsIfLegsRefused?: ExitSpec;
  /** Points offsets (tick-rounded) for the reply's levels; percent ones are priced from the entry there. */
  offsets: ProtectionOffsets;
}

/** The ask as managed exits: points tick-rounded like the legs, percent kept for the fill to price. */
function exitSpec(ask: ProtectionAsk, offsets: ProtectionOffsets, tickSize: number): ExitSpec {
  return {
    ...(offsets.stopLossOffset !== undefined ? { slPoints: offsets.stopLossOffset } : {}),
    ...(offsets.takeProfitOffset !== undefined ? { tpPoints: offsets.takeProfitOffset } : {}),
    ...(pctOf(ask.sl) !== undefined ? { slPct: pctOf(ask.sl) } : {}),
    ...(pctOf(ask.tp) !== undefined ? { tpPct: pctOf(ask.tp) } : {}),
    ...(pointsOf(ask.trail) !== undefined ? { trailPoints: pointsOf(ask.trail) } : {}),
    ...(pctOf(ask.trail) !== undefined ? { trailPct: pctOf(ask.trail) } : {}),
    tickSize,
  };
}

/**
 * How an open is protected, for single orders and strategies alike. Under `legs` the offsets ride on the
 * order as Fyers' TP/SL legs (legType 1 points, tick-rounded; legType 2 percent of the entry), with the
 * same protection kept ready as managed exits in case Fyers refuses the legs. Under `managed` nothing
 * rides on the order and the exits are armed when it fills. parseAlert has already refused what a mode
 * cannot carry (mixed units as legs, a trail outside `managed`, anything under `off`).
 */
export function protectionFor(mode: ProtectionMode, side: Side, tickSize: number, ask: ProtectionAsk): Protection {
  if (ask.sl === undefined && ask.tp === undefined) return { order: {}, offsets: {} };
  const offsets = bracketOffsets({ side, tickSize, sl: pointsOf(ask.sl), tp: pointsOf(ask.tp) });
  const exits = exitSpec(ask, offsets, tickSize);
  if (mode === 'managed') return { order: {}, exits, offsets };
  if (mode === 'off') return { order: {}, offsets: {} };
  const percent = isPct(ask.sl) || isPct(ask.tp);
  const order: Protection['order'] = percent
    ? { stopLoss: pctOf(ask.sl), takeProfit: pctOf(ask.tp), legs: 'percent' }
    : { stopLoss: offsets.stopLossOffset, takeProfit: offsets.takeProfitOffset, legs: 'points' };
  return { order, exitsIfLegsRefused: exits, offsets };
}
