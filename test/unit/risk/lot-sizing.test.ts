import { reduceOnlyLots, unitsForLots } from '../../../shared/risk/lot-sizing';
import { RiskRefusedError } from '../../../shared/errors';

describe('unitsForLots', () => {
  it('converts lots to units with the lot size from the master', () => {
    expect(unitsForLots(3, { maxLots: 10, lotSize: 65 })).toBe(195);
  });

  it('refuses above MAX_LOTS instead of trimming', () => {
    expect(() => unitsForLots(11, { maxLots: 10, lotSize: 65 })).toThrow(/maximum of 10 lots/);
  });

  it('refuses above the freeze quantity and says how many lots fit', () => {
    expect(() => unitsForLots(28, { maxLots: 100, lotSize: 65, freezeQty: 1800 })).toThrow(/freeze limit of 1800 units \(27 lots\)/);
    expect(unitsForLots(27, { maxLots: 100, lotSize: 65, freezeQty: 1800 })).toBe(1755);
  });
});

describe('reduceOnlyLots', () => {
  it('closes at most the opposite position', () => {
    expect(reduceOnlyLots(5, 'BUY', -130, 65)).toBe(2);
    expect(reduceOnlyLots(1, 'SELL', 195, 65)).toBe(1);
  });

  it('refuses when it would open or flip a position', () => {
    expect(() => reduceOnlyLots(1, 'BUY', 0, 65)).toThrow(RiskRefusedError);
    expect(() => reduceOnlyLots(1, 'BUY', 65, 65)).toThrow(/no short position/);
    expect(() => reduceOnlyLots(1, 'SELL', -65, 65)).toThrow(/no long position/);
  });
});
