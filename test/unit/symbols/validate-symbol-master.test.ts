import { istInstant } from '../../../shared/platform/ist';
import { parseSymbolMaster } from '../../../shared/symbols/parse-symbol-master';
import { sampleSymbolMaster } from '../../../shared/symbols/sample-symbol-master';
import { screenImplausibleRows, validateSymbolMaster } from '../../../shared/symbols/validate-symbol-master';
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

  it('judges implausible lots per row: one absurd stock lot is left out and named, the file is still good', () => {
    const bad = [
      ...full.slice(0, 1500),
      ...chain('IDEA', ['2026-08-25'], [7.5], { lotSize: 26_000 * 100, instrumentType: 15 }),
    ];
    expect(validateSymbolMaster(bad, { ...expect5, underlyings: ['NIFTY'] })).toEqual([]);
    const screened = screenImplausibleRows(bad);
    expect(screened.kept).toHaveLength(1500);
    expect(screened.problem).toBeUndefined();
    expect(screened.dropped).toEqual([expect.stringMatching(/^2 instrument\(s\) left out: lot size not a whole number between 1 and 100000, e\.g\. NSE:IDEA.*\(lot 2600000\)/)]);
  });

  it('calls the file broken when more than 1% of rows have implausible lots or ticks (a shifted column)', () => {
    const bad = [
      ...full.slice(0, 500),
      ...chain('NIFTY', ['2026-08-18'], [24500], { lotSize: 0 }),
      ...chain('NIFTY', ['2026-08-25'], [24500], { lotSize: 32.5 }),
      ...chain('NIFTY', ['2026-09-01'], [24500], { tickSize: 0 }),
    ];
    const problems = validateSymbolMaster(bad, { ...expect5, minInstruments: 1, underlyings: ['NIFTY'] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^6 of 506 instruments have an implausible lot or tick size \(more than 1%\)/);
  });

  it('flags a configured underlying whose options have all expired', () => {
    const stale = chain('NIFTY', ['2026-08-04'], [24500, 24550]);
    expect(validateSymbolMaster(stale, { underlyings: ['NIFTY'], minInstruments: 1, nowMs })).toEqual(['NIFTY has no option expiry still to come']);
    expect(validateSymbolMaster(stale, { underlyings: ['NIFTY'], minInstruments: 1, nowMs: istInstant('2026-08-04', 15, 0) })).toEqual([]);
  });
});
