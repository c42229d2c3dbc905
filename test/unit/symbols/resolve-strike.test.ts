import { DependencyUnavailableError, UnknownInstrumentError } from '../../../shared/errors';
import { resolveStrike } from '../../../shared/symbols/resolve-strike';

const grid = [24300, 24350, 24400, 24450, 24500, 24550, 24600];
const atm = (atmOffset: number) => ({ atmOffset }) as const;

describe('resolveStrike', () => {
  it('returns an explicit strike that is listed, tolerating float noise', () => {
    expect(resolveStrike(grid, 24450)).toBe(24450);
    expect(resolveStrike([7, 7.5, 8], 7.5)).toBe(7.5);
    expect(resolveStrike([0.1 + 0.2], 0.3)).toBe(0.1 + 0.2);
  });

  it('refuses an unlisted strike, naming the nearest listed ones and the range', () => {
    expect(() => resolveStrike(grid, 24420)).toThrow(UnknownInstrumentError);
    expect(() => resolveStrike(grid, 24420)).toThrow('Strike 24420 is not listed; nearest listed strikes: 24350, 24400, 24450, 24500 (listed range 24300–24600)');
    expect(() => resolveStrike(grid, 30000)).toThrow('nearest listed strikes: 24550, 24600 (listed range');
    expect(() => resolveStrike(grid, 100)).toThrow('nearest listed strikes: 24300, 24350 (listed range');
  });

  it('ATM is the listed strike nearest the spot', () => {
    expect(resolveStrike(grid, atm(0), 24512.3)).toBe(24500);
    expect(resolveStrike(grid, atm(0), 24526)).toBe(24550);
    expect(resolveStrike(grid, atm(0), 24500)).toBe(24500);
  });

  it('a spot exactly between two strikes goes to the lower one', () => {
    expect(resolveStrike(grid, atm(0), 24525)).toBe(24500);
    expect(resolveStrike(grid, atm(0), 24375)).toBe(24350);
  });

  it('ATM±n walks n places along the listed grid, even an uneven one', () => {
    expect(resolveStrike(grid, atm(2), 24510)).toBe(24600);
    expect(resolveStrike(grid, atm(-2), 24510)).toBe(24400);
    const uneven = [24000, 24100, 24400, 24450, 24500, 24600, 25000];
    expect(resolveStrike(uneven, atm(-2), 24490)).toBe(24400);
    expect(resolveStrike(uneven, atm(2), 24490)).toBe(25000);
    expect(resolveStrike(uneven, atm(-4), 24490)).toBe(24000);
  });

  it('a spot beyond the grid clamps ATM to the end strike', () => {
    expect(resolveStrike(grid, atm(0), 30000)).toBe(24600);
    expect(resolveStrike(grid, atm(-1), 30000)).toBe(24550);
    expect(resolveStrike(grid, atm(1), 1)).toBe(24350);
  });

  it('refuses ATM±n that runs off the grid, saying how far it can go', () => {
    expect(resolveStrike(grid, atm(-4), 24500)).toBe(24300);
    expect(() => resolveStrike(grid, atm(-5), 24500)).toThrow(
      'ATM-5 is beyond the listed strikes: ATM is 24500 (spot 24500) and only 4 strike(s) below and 2 above are listed (range 24300–24600)',
    );
    expect(() => resolveStrike(grid, atm(3), 24500)).toThrow(UnknownInstrumentError);
  });

  it('needs a positive spot for ATM', () => {
    expect(() => resolveStrike(grid, atm(0))).toThrow(DependencyUnavailableError);
    expect(() => resolveStrike(grid, atm(1), 0)).toThrow('ATM+1 needs a live spot price');
    expect(() => resolveStrike(grid, atm(0), Number.NaN)).toThrow(DependencyUnavailableError);
  });

  it('refuses when nothing is listed', () => {
    expect(() => resolveStrike([], 24500)).toThrow('No strikes are listed');
    expect(() => resolveStrike([], atm(0), 24500)).toThrow(UnknownInstrumentError);
  });
});
