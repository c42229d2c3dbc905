import { buildSymbolIndex } from '../../../shared/symbols/symbol-index';
import { chain, expiryOn, option } from '../../helpers/symbol-fixtures';
import { istInstant } from '../../../shared/platform/ist';

const future = { ...option('NIFTY', '2026-08-25', -1, 'CE'), ticker: 'NSE:NIFTY26AUGFUT', instrumentType: 11, strike: -1, optionType: 'XX' as const };
const instruments = [
  ...chain('NIFTY', ['2026-08-25', '2026-08-11', '2026-08-18'], [24600, 24500, 24550]),
  option('NIFTY', '2026-08-11', 24700, 'PE'),
  ...chain('BANKNIFTY', ['2026-08-25'], [52000]),
  { ...future, underlying: 'RELIANCE', ticker: 'NSE:RELIANCE26AUGFUT' },
  future,
];
const index = buildSymbolIndex(instruments, 'v7');

describe('buildSymbolIndex', () => {
  it('reports its version, size and underlyings (including futures-only ones)', () => {
    expect(index.version).toBe('v7');
    expect(index.instrumentCount).toBe(instruments.length);
    expect(index.underlyings()).toEqual(['BANKNIFTY', 'NIFTY', 'RELIANCE']);
  });

  it('lists option expiries ascending, ignoring futures', () => {
    expect(index.optionExpiries('NSE', 'NIFTY')).toEqual([expiryOn('2026-08-11'), expiryOn('2026-08-18'), expiryOn('2026-08-25')]);
    expect(index.optionExpiries('NSE', 'RELIANCE')).toEqual([]);
    expect(index.optionExpiries('NSE', 'UNKNOWN', 0)).toEqual([]);
  });

  it('drops expiries whose 15:40 IST instant is before now, keeping one that expires exactly now', () => {
    const at = (hh: number, mm: number, extraMs = 0) => index.optionExpiries('NSE', 'NIFTY', istInstant('2026-08-11', hh, mm) + extraMs);
    expect(at(15, 39)).toHaveLength(3);
    expect(at(15, 40)).toHaveLength(3);
    expect(at(15, 40, 1)).toEqual([expiryOn('2026-08-18'), expiryOn('2026-08-25')]);
    expect(index.optionExpiries('NSE', 'NIFTY', istInstant('2026-08-26', 9, 15))).toEqual([]);
  });

  it('lists strikes per expiry and side, ascending', () => {
    expect(index.strikes('NSE', 'NIFTY', expiryOn('2026-08-11'), 'CE')).toEqual([24500, 24550, 24600]);
    expect(index.strikes('NSE', 'NIFTY', expiryOn('2026-08-11'), 'PE')).toEqual([24500, 24550, 24600, 24700]);
    expect(index.strikes('NSE', 'NIFTY', expiryOn('2026-08-12'), 'PE')).toEqual([]);
  });

  it('finds exact contracts and tickers', () => {
    expect(index.find('NSE', 'NIFTY', expiryOn('2026-08-18'), 24550, 'PE')?.ticker).toBe('NSE:NIFTY2026081824550PE');
    expect(index.find('NSE', 'NIFTY', expiryOn('2026-08-18'), 24560, 'PE')).toBeUndefined();
    expect(index.find('NSE', 'BANKNIFTY', expiryOn('2026-08-18'), 52000, 'CE')).toBeUndefined();
    expect(index.byTicker('NSE:NIFTY26AUGFUT')?.optionType).toBe('XX');
    expect(index.byTicker('NSE:NOPE')).toBeUndefined();
  });

  it('keeps the first of duplicate rows', () => {
    const first = option('NIFTY', '2026-08-11', 24500, 'CE', { lotSize: 65 });
    const dupTicker = { ...first, lotSize: 75 };
    const dupContract = { ...first, ticker: 'NSE:OTHER', lotSize: 50 };
    const idx = buildSymbolIndex([first, dupTicker, dupContract], 'd');
    expect(idx.instrumentCount).toBe(2);
    expect(idx.byTicker(first.ticker)?.lotSize).toBe(65);
    expect(idx.find('NSE', 'NIFTY', first.expiry, 24500, 'CE')?.lotSize).toBe(65);
  });

  it('hands out arrays no caller can corrupt', () => {
    const strikes = index.strikes('NSE', 'NIFTY', expiryOn('2026-08-11'), 'CE');
    expect(() => strikes.push(1)).toThrow();
    expect(() => index.optionExpiries('NSE', 'NIFTY').pop()).toThrow();
    expect(index.strikes('NSE', 'NIFTY', expiryOn('2026-08-11'), 'CE')).toEqual([24500, 24550, 24600]);
  });
});
