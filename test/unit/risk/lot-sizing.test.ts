import { reduceOnlyLots, slicesFor, unitsForLots } from '../../../shared/risk/lot-sizing';
import { RiskRefusedError } from '../../../shared/errors';

describe('unitsForLots', () => {
  it('converts lots to units with the lot size from the master', () => {
    expect(unitsForLots(3, { maxLots: 10, lotSize: 65 })).toBe(195);
  });

  it('refuses above MAX_LOTS instead of trimming', () => {
    expect(() => unitsForLots(11, { maxLots: 10, lotSize: 65 })).toThrow(/maximum of 10 lots/);
  });

  it('no longer refuses above the freeze quantity: it slices, up to 10 slices, and names both limits beyond', () => {
    expect(unitsForLots(28, { maxLots: 1000, lotSize: 65, freezeQty: 1800 })).toBe(1820);
    expect(() => unitsForLots(271, { maxLots: 1000, lotSize: 65, freezeQty: 1800 })).toThrow(
      'qty 271 lots (17615 units) needs 11 slices at the freeze limit of 1800 units (27 lots each); at most 10 slices (270 lots) go in one order',
    );
  });
});

describe('slicesFor', () => {
  it('BANKNIFTY (lot 30, freeze 600 since Nov 2025): 50 lots are 600 + 600 + 300', () => {
    expect(slicesFor(1500, 30, 600)).toEqual([600, 600, 300]);
    expect(slicesFor(600, 30, 600)).toEqual([600]);
  });

  it('NIFTY (lot 65, freeze 1800): a slice is the largest whole number of lots within the limit', () => {
    expect(slicesFor(1820, 65, 1800)).toEqual([1755, 65]);
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
