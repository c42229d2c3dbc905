import type { Instrument } from '../../symbols/instrument';
import { roundToTick } from '../../symbols/tick';
import { SAMPLE_SPOT } from '../../symbols/sample-spot';

/** The paper broker quotes the sample spot levels when it has nothing better. */
export const PAPER_SPOT = SAMPLE_SPOT;

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
