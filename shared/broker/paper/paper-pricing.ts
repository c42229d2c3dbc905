import type { Instrument } from '../../symbols/instrument';
import { roundToTick } from '../../orders/tick';

/** Spot levels the paper broker quotes when it has nothing better; close to late-2026 levels. */
export const PAPER_SPOT: Readonly<Record<string, number>> = {
  NIFTY: 24500, BANKNIFTY: 52000, FINNIFTY: 23500, MIDCPNIFTY: 12500, NIFTYNXT50: 68000, SENSEX: 80500, BANKEX: 58000, SENSEX50: 25500,
};

/**
 * A plausible, deterministic option premium: intrinsic value plus time value that decays with distance
 * from the money. Good enough that SL/TP levels in a paper run look like real ones; not a pricing model.
 */
export function paperPremium(inst: Instrument, spot: number, nowMs: number): number {
  if (inst.optionType === 'XX') return roundToTick(spot, inst.tickSize);
  const intrinsic = inst.optionType === 'CE' ? Math.max(0, spot - inst.strike) : Math.max(0, inst.strike - spot);
  const days = Math.max(0.5, (inst.expiry * 1000 - nowMs) / 86_400_000);
  const atmTime = spot * 0.0045 * Math.sqrt(days);
  const distance = Math.abs(spot - inst.strike) / (spot * 0.01);
  const time = atmTime * Math.exp(-distance / 1.5);
  return Math.max(inst.tickSize, roundToTick(intrinsic + time, inst.tickSize));
}
