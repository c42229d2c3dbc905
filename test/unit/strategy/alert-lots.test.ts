import { RiskRefusedError } from '../../../shared/errors';
import { assertAlertLots } from '../../../shared/strategy/alert-lots';
import { openProtection } from '../../../shared/strategy/open-protection';

describe('one alert is bounded by MAX_LOTS however it is split', () => {
  it('ten identical legs are one contract: their lots add up, and the refusal names both numbers', () => {
    const legs = Array.from({ length: 10 }, () => ({ ticker: 'NSE:NIFTY26D0824500CE', lots: 10 }));
    expect(() => assertAlertLots(legs, 20)).toThrow(/100 lots of NSE:NIFTY26D0824500CE, above the limit of 20 lots/);
  });

  it('three different legs of 2 lots are 6 lots in all', () => {
    const legs = ['A', 'B', 'C'].map((ticker) => ({ ticker, lots: 2 }));
    expect(() => assertAlertLots(legs, 2)).toThrow(RiskRefusedError);
    expect(() => assertAlertLots(legs, 2)).toThrow(/6 lots in all, above the limit of 2 lots/);
    expect(() => assertAlertLots(legs, 6)).not.toThrow();
  });
});

describe("a strategy open is protected as a single order's would be", () => {
  it('PROTECTION=legs puts tick-rounded offsets on the order as TP/SL legs in points', () => {
    expect(openProtection('legs', 'BUY', 0.05, 10.02, 20)).toEqual({
      order: { stopLoss: 10, takeProfit: 20, legs: 'points' },
      plan: { exitsIfLegsRefused: { slPoints: 10, tpPoints: 20, tickSize: 0.05 } },
    });
  });

  it('PROTECTION=managed sends no legs and hands the offsets to the managed exits', () => {
    expect(openProtection('managed', 'BUY', 0.05, 10, undefined)).toEqual({ order: {}, plan: { exits: { slPoints: 10, tickSize: 0.05 } } });
    expect(openProtection('managed', 'BUY', 0.05, { pct: 1.5 }, undefined, { pct: 1 })).toEqual({ order: {}, plan: { exits: { slPct: 1.5, trailPct: 1, tickSize: 0.05 } } });
  });

  it('nothing asked, nothing added', () => {
    expect(openProtection('managed', 'BUY', 0.05, undefined, undefined)).toEqual({ order: {}, plan: {} });
  });
});
