import { istInstant } from '../../../shared/platform/ist';
import { parseSymbolMaster } from '../../../shared/symbols/parse-symbol-master';
import { sampleSymbolMaster } from '../../../shared/symbols/sample-symbol-master';
import { validateSymbolMaster } from '../../../shared/symbols/validate-symbol-master';
import { chain } from '../../helpers/symbol-fixtures';

const nowMs = istInstant('2026-08-10', 11, 0);
const full = (() => {
  const { nseFo, bseFo } = sampleSymbolMaster(nowMs);
  return [...parseSymbolMaster(nseFo).instruments, ...parseSymbolMaster(bseFo).instruments];
})();
const expect5 = { underlyings: ['NIFTY', 'BANKNIFTY', 'FINNIFTY', 'MIDCPNIFTY', 'SENSEX'], minInstruments: 1000, nowMs };

describe('validateSymbolMaster', () => {
  it('accepts a complete master', () => {
    expect(validateSymbolMaster(full, expect5)).toEqual([]);
  });

  it('catches a partial download: too few rows and configured underlyings missing', () => {
    // A download cut off part-way keeps only the first rows, which are all NIFTY in the sample.
    const { nseFo } = sampleSymbolMaster(nowMs);
    const partial = parseSymbolMaster(nseFo.slice(0, 40_000)).instruments;
    const problems = validateSymbolMaster(partial, expect5);
    expect(problems[0]).toMatch(new RegExp(`^only ${partial.length} instruments, expected at least 1000`));
    expect(problems).toEqual(expect.arrayContaining(['SENSEX has no option expiry still to come', 'BANKNIFTY has no option expiry still to come']));
    expect(problems.some((p) => p.startsWith('NIFTY '))).toBe(false);
  });

  it('flags lot sizes that are not positive whole numbers or are absurd, with examples', () => {
    const bad = [
      ...full.slice(0, 1500),
      ...chain('NIFTY', ['2026-08-18'], [24500], { lotSize: 0 }),
      ...chain('NIFTY', ['2026-08-25'], [24500], { lotSize: 32.5 }),
      ...chain('NIFTY', ['2026-09-01'], [24500], { lotSize: 26_000 * 100 }),
    ];
    const problems = validateSymbolMaster(bad, { ...expect5, underlyings: ['NIFTY'] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^6 instrument\(s\) have a lot size that is not a whole number between 1 and 100000, e\.g\. .*\(lot 0\)/);
  });

  it('flags tick sizes that are not positive', () => {
    const bad = [...full.slice(0, 1500), ...chain('NIFTY', ['2026-08-18'], [24500], { tickSize: 0 })];
    expect(validateSymbolMaster(bad, { ...expect5, underlyings: [] })).toEqual([expect.stringMatching(/^2 instrument\(s\) have a tick size that is not positive/)]);
  });

  it('flags a configured underlying whose options have all expired', () => {
    const stale = chain('NIFTY', ['2026-08-04'], [24500, 24550]);
    expect(validateSymbolMaster(stale, { underlyings: ['NIFTY'], minInstruments: 1, nowMs })).toEqual(['NIFTY has no option expiry still to come']);
    expect(validateSymbolMaster(stale, { underlyings: ['NIFTY'], minInstruments: 1, nowMs: istInstant('2026-08-04', 15, 0) })).toEqual([]);
  });
});
