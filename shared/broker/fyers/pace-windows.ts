/** At most `calls` calls may end within any `ms`-long sliding window. */
export interface PaceWindow {
  calls: number;
  ms: number;
}

/**
 * Turns a rate ("`rate` calls per `windowMs`", fractional allowed) into the sliding windows the pacer
 * holds. A function's share of Fyers' budget is split over its instances, so an instance's share is
 * often fractional (readyz: 0.25/s; console: 8/min over 3 instances = 2.67/min each).
 *
 * - Whole rates are one window: 8/s is 8 calls per second, as Fyers counts them.
 * - Below one, the window stretches: 0.5/s is 1 call per 2 s, 0.25/s 1 per 4 s.
 * - Above one, two windows: whole calls spread over a longer window keep the long-run average at the
 *   rate (2.67/min: 2 per 45 s), and ceil(rate) per window caps any single window of Fyers' own length
 *   (3 per minute), so no minute Fyers counts ever holds more than ceil(rate) of this instance's calls.
 *
 * Windows are rounded up to the millisecond, so rounding can only slow an instance down.
 */
export function paceWindows(rate: number, windowMs: number): PaceWindow[] {
  if (!Number.isFinite(rate) || rate <= 0) throw new RangeError(`a pacing rate must be a positive number, got ${rate}`);
  const whole = Math.floor(rate);
  if (whole === rate) return [{ calls: rate, ms: windowMs }];
  const calls = Math.max(1, whole);
  const spread = { calls, ms: Math.ceil((windowMs * calls) / rate) };
  return rate < 1 ? [spread] : [spread, { calls: Math.ceil(rate), ms: windowMs }];
}
