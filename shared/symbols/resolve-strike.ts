import type { StrikeSelector } from '../alert/alert.schema';
import { DependencyUnavailableError, UnknownInstrumentError } from '../errors';

/** Master strikes are decimals like 24500.0 or 72.5; an alert's strike must match one to within float noise. */
const SAME = 1e-6;

/** Index of the listed strike nearest to `x` in ascending `strikes`; a tie goes to the lower strike. */
function nearestIndex(strikes: readonly number[], x: number): number {
  let lo = 0;
  let hi = strikes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (strikes[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return 0;
  if (lo === strikes.length) return lo - 1;
  return x - strikes[lo - 1]! <= strikes[lo]! - x ? lo - 1 : lo;
}

const label = (offset: number) => (offset === 0 ? 'ATM' : offset > 0 ? `ATM+${offset}` : `ATM${offset}`);

/**
 * Turns an alert's strike into a listed one. An explicit strike must be listed as is — we never round a
 * strike the user named. ATM is the listed strike nearest the spot (ties go to the lower one) and ATM±n walks
 * n places along the listed grid, so uneven grids (50s near the money, 100s further out) behave.
 * @throws UnknownInstrumentError when the strike is not listed or ATM±n runs off the grid.
 */
export function resolveStrike(strikes: readonly number[], selector: StrikeSelector, spotLtp?: number): number {
  if (!strikes.length) throw new UnknownInstrumentError('No strikes are listed for this expiry and option type', { field: 'strikeprice' });
  const range = `${strikes[0]}–${strikes[strikes.length - 1]}`;

  if (typeof selector === 'number') {
    const i = nearestIndex(strikes, selector);
    if (Math.abs(strikes[i]! - selector) < SAME) return strikes[i]!;
    const below = strikes.filter((s) => s < selector).slice(-2);
    const above = strikes.filter((s) => s > selector).slice(0, 2);
    throw new UnknownInstrumentError(`Strike ${selector} is not listed; nearest listed strikes: ${[...below, ...above].join(', ')} (listed range ${range})`, {
      field: 'strikeprice', strike: selector, nearest: [...below, ...above],
    });
  }

  if (!(spotLtp !== undefined && Number.isFinite(spotLtp) && spotLtp > 0)) {
    throw new DependencyUnavailableError(`${label(selector.atmOffset)} needs a live spot price, and none is available`);
  }
  const atm = nearestIndex(strikes, spotLtp);
  const target = atm + selector.atmOffset;
  if (target < 0 || target >= strikes.length) {
    throw new UnknownInstrumentError(
      `${label(selector.atmOffset)} is beyond the listed strikes: ATM is ${strikes[atm]} (spot ${spotLtp}) and only ${atm} strike(s) below and ${strikes.length - 1 - atm} above are listed (range ${range})`,
      { field: 'strikeprice', atm: strikes[atm], offset: selector.atmOffset },
    );
  }
  return strikes[target]!;
}
