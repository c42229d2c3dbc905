import { UnknownInstrumentError } from '../../../shared/errors';
import { istInstant } from '../../../shared/platform/ist';
import { manualClock } from '../../../shared/platform/clock';
import { expiryDate, resolveExpiry } from '../../../shared/symbols/resolve-expiry';
import { buildSymbolIndex } from '../../../shared/symbols/symbol-index';
import { chain, expiryOn, sampleIndex } from '../../helpers/symbol-fixtures';

const clock = manualClock(istInstant('2026-07-21', 10, 0));
const dateOf = (sel: Parameters<typeof resolveExpiry>[2], u = 'NIFTY') => expiryDate(resolveExpiry(sampleIndex(clock()), { exchange: u === 'SENSEX' ? 'BSE' : 'NSE', underlying: u }, sel, clock()));

const NSE_NIFTY = { exchange: 'NSE', underlying: 'NIFTY' } as const;

describe('resolveExpiry on the sample master', () => {
  beforeEach(() => clock.set(istInstant('2026-07-21', 10, 0)));

  it('nearest is today until the close (15:30 IST before 3 Aug 2026), and next week a moment after', () => {
    expect(dateOf('nearest')).toBe('2026-07-21');
    expect(dateOf(undefined)).toBe('2026-07-21');
    clock.set(istInstant('2026-07-21', 15, 30));
    expect(dateOf('nearest')).toBe('2026-07-21');
    clock.advance(1);
    expect(dateOf('nearest')).toBe('2026-07-28');
  });

  it('next is the second live expiry', () => {
    expect(dateOf('next')).toBe('2026-07-28');
    clock.set(istInstant('2026-07-21', 15, 41));
    expect(dateOf('next')).toBe('2026-08-04');
  });

  it('monthly is the last expiry of the current IST month, then next month once that has passed', () => {
    expect(dateOf('monthly')).toBe('2026-07-28');
    clock.set(istInstant('2026-07-28', 15, 29));
    expect(dateOf('monthly')).toBe('2026-07-28');
    clock.set(istInstant('2026-07-28', 15, 41));
    expect(dateOf('monthly')).toBe('2026-08-25');
    clock.set(istInstant('2026-07-31', 12, 0));
    expect(dateOf('monthly')).toBe('2026-08-25');
  });

  it('monthly follows BSE Thursdays for SENSEX and month-only indices', () => {
    expect(dateOf('monthly', 'SENSEX')).toBe('2026-07-30');
    expect(dateOf('nearest', 'SENSEX')).toBe('2026-07-23');
    expect(dateOf('nearest', 'BANKNIFTY')).toBe('2026-07-28');
    clock.set(istInstant('2026-07-28', 16, 0));
    expect(dateOf('nearest', 'BANKNIFTY')).toBe('2026-08-25');
  });

  it('monthly crosses a year end', () => {
    clock.set(istInstant('2026-12-29', 15, 45));
    expect(dateOf('monthly')).toBe('2027-01-26');
    expect(dateOf('nearest')).toBe('2027-01-05');
  });

  it('a date picks the expiry on that IST date', () => {
    expect(dateOf({ date: '2026-08-04' })).toBe('2026-08-04');
    expect(resolveExpiry(sampleIndex(clock()), NSE_NIFTY, { date: '2026-07-28' }, clock())).toBe(expiryOn('2026-07-28', 15, 30));
    expect(resolveExpiry(sampleIndex(clock()), NSE_NIFTY, { date: '2026-08-04' }, clock())).toBe(expiryOn('2026-08-04'));
  });

  it('an unknown date fails, listing up to five available expiries as IST dates', () => {
    const run = () => dateOf({ date: '2026-07-22' });
    expect(run).toThrow(UnknownInstrumentError);
    expect(run).toThrow('NIFTY has no expiry on 2026-07-22; available NIFTY expiries: 2026-07-21, 2026-07-28, 2026-08-04, 2026-08-11, 2026-08-25');
    expect(() => dateOf({ date: '2026-07-22' }, 'BANKNIFTY')).toThrow('available BANKNIFTY expiries: 2026-07-28, 2026-08-25');
  });
});

describe('resolveExpiry edge cases', () => {
  const dates = ['2026-03-24', '2026-03-31', '2026-04-07', '2026-04-14', '2026-04-21', '2026-04-28', '2026-05-26', '2026-06-30'];
  const index = buildSymbolIndex(chain('NIFTY', dates, [24500]), 'e');

  it('uses the IST calendar month: 20:00 UTC on 31 March is already April in India', () => {
    // In UTC this instant is still March, whose last expiry (31 Mar) has passed; in IST it is April either way.
    expect(expiryDate(resolveExpiry(index, NSE_NIFTY, 'monthly', Date.UTC(2026, 2, 31, 20, 0)))).toBe('2026-04-28');
    expect(expiryDate(resolveExpiry(index, NSE_NIFTY, 'monthly', istInstant('2026-03-31', 15, 0)))).toBe('2026-03-31');
  });

  it('monthly does not skip to a later month when next month has no listing', () => {
    const gap = buildSymbolIndex(chain('NIFTY', ['2026-04-28', '2026-06-30'], [24500]), 'g');
    expect(() => resolveExpiry(gap, NSE_NIFTY, 'monthly', istInstant('2026-04-29', 10, 0))).toThrow(
      'NIFTY has no expiry left this month or next month; available NIFTY expiries: 2026-06-30',
    );
  });

  it('says when the named date has already expired', () => {
    expect(() => resolveExpiry(index, NSE_NIFTY, { date: '2026-03-24' }, istInstant('2026-03-24', 15, 41))).toThrow(
      'the NIFTY expiry on 2026-03-24 has already expired; available NIFTY expiries: 2026-03-31, 2026-04-07, 2026-04-14, 2026-04-21, 2026-04-28 (+2 more)',
    );
  });

  it('next fails when only one expiry is left, and everything fails when none is', () => {
    expect(() => resolveExpiry(index, NSE_NIFTY, 'next', istInstant('2026-06-01', 10, 0))).toThrow('NIFTY has no expiry after the nearest one; available NIFTY expiries: 2026-06-30');
    expect(() => resolveExpiry(index, NSE_NIFTY, 'nearest', istInstant('2026-07-01', 10, 0))).toThrow('NIFTY has no option expiry still to come; available NIFTY expiries: none');
  });

  it('puts the available dates in the error details for the audit', () => {
    try {
      resolveExpiry(index, NSE_NIFTY, { date: '2026-05-05' }, istInstant('2026-05-01', 10, 0));
      throw new Error('expected a failure');
    } catch (e) {
      expect(e).toBeInstanceOf(UnknownInstrumentError);
      expect((e as UnknownInstrumentError).details).toEqual({ field: 'expiry', underlying: 'NIFTY', available: ['2026-05-26', '2026-06-30'] });
    }
  });
});
