import { DependencyUnavailableError, UnknownInstrumentError } from '../../../shared/errors';
import { istInstant } from '../../../shared/platform/ist';
import { normalizeUnderlying, resolveInstrument } from '../../../shared/symbols/resolve-instrument';
import { buildSymbolIndex } from '../../../shared/symbols/symbol-index';
import { chain, sampleIndex } from '../../helpers/symbol-fixtures';

describe('normalizeUnderlying', () => {
  it.each([
    ['NIFTY', 'NIFTY'], ['nifty', 'NIFTY'], ['NSE:NIFTY', 'NIFTY'], ['NIFTY50', 'NIFTY'], ['NIFTY 50', 'NIFTY'], ['nifty_50', 'NIFTY'],
    ['NSE:NIFTY50-INDEX', 'NIFTY'], ['BANKNIFTY', 'BANKNIFTY'], ['NIFTYBANK', 'BANKNIFTY'], ['NSE:NIFTYBANK-INDEX', 'BANKNIFTY'],
    ['NIFTY BANK', 'BANKNIFTY'], ['MIDCAPNIFTY', 'MIDCPNIFTY'], ['MIDCPNIFTY', 'MIDCPNIFTY'], ['NIFTY_MID_SELECT', 'MIDCPNIFTY'],
    ['FINNIFTY', 'FINNIFTY'], ['NIFTY FIN SERVICE', 'FINNIFTY'], ['NIFTYNEXT50', 'NIFTYNXT50'],
    ['BSE:SENSEX', 'SENSEX'], [' sensex ', 'SENSEX'], ['BSE:SENSEX-INDEX', 'SENSEX'], ['BANKEX', 'BANKEX'],
    ['NSE:RELIANCE', 'RELIANCE'], ['BAJAJ-AUTO', 'BAJAJ-AUTO'], ['nse:m&m', 'M&M'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeUnderlying(input)).toBe(expected);
  });
});

describe('resolveInstrument on the sample master', () => {
  const nowMs = istInstant('2026-07-21', 10, 0);
  const index = sampleIndex(nowMs);
  const resolve = (req: Partial<Parameters<typeof resolveInstrument>[1]>, ctx: { nowMs?: number; spotLtp?: number } = {}) =>
    resolveInstrument(index, { underlying: 'NIFTY', optionType: 'CE', expiry: 'nearest', strike: 24500, ...req }, { nowMs, ...ctx });

  it('a weekly expiry resolves to the weekly ticker form', () => {
    expect(resolve({}).ticker).toBe('NSE:NIFTY2672124500CE');
    expect(resolve({ expiry: { date: '2026-08-04' }, optionType: 'PE', strike: 24300 }).ticker).toBe('NSE:NIFTY2680424300PE');
  });

  it('the month-end expiry resolves to the monthly ticker form, even for NIFTY', () => {
    expect(resolve({ expiry: 'monthly' }).ticker).toBe('NSE:NIFTY26JUL24500CE');
    expect(resolve({ expiry: 'next' }).ticker).toBe('NSE:NIFTY26JUL24500CE');
    expect(resolve({ expiry: { date: '2026-08-25' } }).ticker).toBe('NSE:NIFTY26AUG24500CE');
  });

  it('uses one-letter months for October to December weeklies', () => {
    const oct = istInstant('2026-10-01', 10, 0);
    expect(resolveInstrument(sampleIndex(oct), { underlying: 'NIFTY', optionType: 'CE', expiry: 'nearest', strike: 24500 }, { nowMs: oct }).ticker).toBe('NSE:NIFTY26O0624500CE');
    const dec = istInstant('2026-11-30', 10, 0);
    expect(resolveInstrument(sampleIndex(dec), { underlying: 'NIFTY50', optionType: 'PE', expiry: 'nearest', strike: 24500 }, { nowMs: dec }).ticker).toBe('NSE:NIFTY26D0124500PE');
  });

  it('resolves BSE SENSEX weeklies and aliased NSE indices with their lot sizes', () => {
    expect(resolve({ underlying: 'BSE:SENSEX', strike: 80500 })).toMatchObject({ ticker: 'BSE:SENSEX2672380500CE', exchange: 'BSE', lotSize: 20 });
    expect(resolve({ underlying: 'NIFTYBANK', strike: 52000 })).toMatchObject({ ticker: 'NSE:BANKNIFTY26JUL52000CE', lotSize: 30 });
    expect(resolve({ underlying: 'MIDCAPNIFTY', strike: 12525, optionType: 'PE' })).toMatchObject({ ticker: 'NSE:MIDCPNIFTY26JUL12525PE', lotSize: 120 });
  });

  it('resolves ATM±n from the spot', () => {
    expect(resolve({ strike: { atmOffset: 0 } }, { spotLtp: 24512 }).strike).toBe(24500);
    expect(resolve({ strike: { atmOffset: 2 } }, { spotLtp: 24512 }).ticker).toBe('NSE:NIFTY2672124600CE');
    expect(resolve({ strike: { atmOffset: -1 }, optionType: 'PE' }, { spotLtp: 24525 }).ticker).toBe('NSE:NIFTY2672124450PE');
  });

  it('an unknown underlying names the supported ones', () => {
    expect(() => resolve({ underlying: 'DOWJONES' })).toThrow(UnknownInstrumentError);
    expect(() => resolve({ underlying: 'DOWJONES' })).toThrow('DOWJONES has no options in the symbol master; supported: BANKNIFTY, FINNIFTY, MIDCPNIFTY, NIFTY, SENSEX');
  });

  it('an unknown strike says which contract it looked in and what is listed nearby', () => {
    expect(() => resolve({ strike: 24520 })).toThrow('NIFTY 2026-07-21 CE: Strike 24520 is not listed; nearest listed strikes: 24450, 24500, 24550, 24600');
    expect(() => resolve({ strike: { atmOffset: 45 } }, { spotLtp: 24500 })).toThrow(/^NIFTY 2026-07-21 CE: ATM\+45 is beyond the listed strikes/);
  });

  it('an unknown expiry lists the available ones', () => {
    expect(() => resolve({ expiry: { date: '2026-07-24' } })).toThrow('NIFTY has no expiry on 2026-07-24; available NIFTY expiries: 2026-07-21');
  });

  it('ATM without a spot price is a dependency failure, not a bad alert', () => {
    expect(() => resolve({ strike: { atmOffset: 0 } })).toThrow(DependencyUnavailableError);
  });

  it('lists stock underlyings by count, not by name', () => {
    const idx = buildSymbolIndex([...chain('NIFTY', ['2026-07-28'], [24500]), ...chain('RELIANCE', ['2026-07-28'], [1400]), ...chain('TCS', ['2026-07-28'], [3400])], 's');
    expect(() => resolveInstrument(idx, { underlying: 'XYZ', optionType: 'CE', expiry: 'nearest', strike: 1 }, { nowMs })).toThrow(
      'supported: NIFTY and 2 stock underlying(s)',
    );
    expect(resolveInstrument(idx, { underlying: 'NSE:reliance', optionType: 'PE', expiry: 'nearest', strike: 1400 }, { nowMs }).underlying).toBe('RELIANCE');
  });
});
