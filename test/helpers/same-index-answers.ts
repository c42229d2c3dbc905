import type { Instrument, SymbolIndex } from '../../shared/symbols/instrument';

/** Every answer the lazily decoded index gives equals the one an index of the whole list gives. */
export function expectSameAnswers(lazy: SymbolIndex, whole: SymbolIndex, instruments: readonly Instrument[], nowMs: number): void {
  expect(lazy.instrumentCount).toBe(whole.instrumentCount);
  expect(lazy.underlyings()).toEqual(whole.underlyings());
  for (const ex of ['NSE', 'BSE'] as const) expect(lazy.session(ex)).toEqual(whole.session(ex));
  for (const u of [...whole.underlyings(), 'NOSUCH']) {
    expect(lazy.exchangesListing(u)).toEqual(whole.exchangesListing(u));
    for (const ex of ['NSE', 'BSE'] as const) {
      expect(lazy.optionExpiries(ex, u)).toEqual(whole.optionExpiries(ex, u));
      expect(lazy.optionExpiries(ex, u, nowMs + 86_400_000)).toEqual(whole.optionExpiries(ex, u, nowMs + 86_400_000));
      for (const expiry of whole.optionExpiries(ex, u)) {
        for (const side of ['CE', 'PE'] as const) {
          const strikes = whole.strikes(ex, u, expiry, side);
          expect(lazy.strikes(ex, u, expiry, side)).toEqual(strikes);
          for (const strike of strikes) expect(lazy.find(ex, u, expiry, strike, side)).toEqual(whole.find(ex, u, expiry, strike, side));
        }
      }
    }
  }
  for (const inst of instruments) expect(lazy.byTicker(inst.ticker)).toEqual(whole.byTicker(inst.ticker));
  for (const t of ['NSE:NOSUCH26AUG1CE', 'NIFTY', '', 'NSE:', 'BSE:SENSEX']) expect(lazy.byTicker(t)).toBe(whole.byTicker(t));
}

