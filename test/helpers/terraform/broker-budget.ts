/** Fyers' own limits per app, counted across every caller: breaking the minute one three times blocks the app for the day. */
export const FYERS_APP_LIMITS: Rates = { perSecond: 10, perMinute: 200 };

export interface Rates {
  perSecond: number;
  perMinute: number;
}

/** One function's declared share of the app budget, across all its instances. */
export interface BrokerShare extends Rates {
  name: string;
  instances: number;
}

/** One instance's part of a share, rounded down to 1/1000 exactly as terraform/broker-budget.tf does. */
export const perInstance = (share: number, instances: number): number => Math.floor((share / instances) * 1000) / 1000;

/**
 * Everything wrong with a table of shares, in words; empty when it fits.
 * - The declared shares together must fit `budget` (Fyers' limits less headroom).
 * - What the instances really get (rounded down) must not exceed their function's share.
 * - Worst case at Fyers: a fractional rate lets an instance put ceil(rate) calls into one minute
 *   (request-pacer/pace-windows), so those ceilings, over every instance, must fit Fyers' minute.
 */
export function budgetProblems(shares: BrokerShare[], budget: Rates, fyers: Rates = FYERS_APP_LIMITS): string[] {
  const problems: string[] = [];
  const sum = (f: (s: BrokerShare) => number) => Math.round(shares.reduce((t, s) => t + f(s), 0) * 1e9) / 1e9;
  const total = { perSecond: sum((s) => s.perSecond), perMinute: sum((s) => s.perMinute) };
  if (total.perSecond > budget.perSecond) problems.push(`shares add up to ${total.perSecond}/s, over the ${budget.perSecond}/s budget`);
  if (total.perMinute > budget.perMinute) problems.push(`shares add up to ${total.perMinute}/min, over the ${budget.perMinute}/min budget`);
  for (const s of shares) {
    if (!(s.instances >= 1)) problems.push(`${s.name}: needs at least one instance, has ${s.instances}`);
    if (!(s.perSecond > 0 && s.perMinute > 0)) problems.push(`${s.name}: a share must be positive (use no share instead of 0)`);
    if (perInstance(s.perSecond, s.instances) * s.instances > s.perSecond) problems.push(`${s.name}: instances together exceed the per-second share`);
    if (perInstance(s.perMinute, s.instances) * s.instances > s.perMinute) problems.push(`${s.name}: instances together exceed the per-minute share`);
  }
  const worstMinute = shares.reduce((t, s) => t + Math.ceil(perInstance(s.perMinute, s.instances)) * s.instances, 0);
  if (worstMinute > fyers.perMinute) problems.push(`in the worst minute the instances could send ${worstMinute} calls, over Fyers' ${fyers.perMinute}`);
  return problems;
}

export const budgetWithinLimits = (shares: BrokerShare[], budget: Rates, fyers: Rates = FYERS_APP_LIMITS): boolean => budgetProblems(shares, budget, fyers).length === 0;
