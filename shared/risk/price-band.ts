/**
 * Price sanity for orders on options.
 *
 * Since April 2026 Fyers turns every MARKET order into a market-price-protected (MPP) limit order: for
 * options the limit sits 10% beyond the LTP above ₹20, 15% from ₹10 to ₹20, and ₹1.5 at or below ₹10.
 * When the price gaps past that band the order rests unfilled, so an accepted MARKET order is not a fill.
 */
export function mppBand(ltp: number): number {
  if (ltp > 20) return ltp * 0.1;
  if (ltp > 10) return ltp * 0.15;
  return 1.5;
}

/** The protected limit Fyers derives from a MARKET order at `ltp`, rounded to the tick on the safe side. */
export function mppLimit(side: 'BUY' | 'SELL', ltp: number, tickSize: number): number {
  const raw = side === 'BUY' ? ltp + mppBand(ltp) : Math.max(tickSize, ltp - mppBand(ltp));
  const ticks = side === 'BUY' ? Math.floor(raw / tickSize + 1e-9) : Math.ceil(raw / tickSize - 1e-9);
  return Number((ticks * tickSize).toFixed(6));
}

/**
 * Why a LIMIT price is too far from the option's LTP to be what the trader meant, or undefined when it is
 * within `bandPercent` of it. A LIMIT at the index level (24512.35) for a ₹281 option is the case this
 * catches: a buy fills at once at the market (no protection at all), a sell never fills.
 */
export function limitPriceRefusal(limitPrice: number, ltp: number, bandPercent: number): string | undefined {
  const lo = ltp * (1 - bandPercent / 100);
  const hi = ltp * (1 + bandPercent / 100);
  if (limitPrice >= lo && limitPrice <= hi) return undefined;
  return `price ${limitPrice} is more than ${bandPercent}% away from the option's last traded price ${ltp} (allowed ${round2(lo)}–${round2(hi)}); was the underlying's price sent instead of the option's?`;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
