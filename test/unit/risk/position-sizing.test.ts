import { sizeLots } from '../../../shared/risk/position-sizing';
import { parseAlert } from '../../../shared/alert/parse-alert';
import { RiskRefusedError } from '../../../shared/errors';

const base = { lotSize: 65, maxLots: 10, freezeQty: 1800, side: 'BUY' as const };

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RiskRefusedError);
    return e as RiskRefusedError;
  }
  throw new Error('expected a refusal');
};

describe('sizing by risk', () => {
  it('riskRupees: rupees / (sl points x lot size), rounded down to whole lots', () => {
    // 2000 / (10 * 65) = 3.07 -> 3 lots
    expect(sizeLots({ riskRupees: 2000 }, { ...base, slPoints: 10 })).toBe(3);
    expect(sizeLots({ riskRupees: 1950 }, { ...base, slPoints: 10 })).toBe(3);
  });

  it('riskRupees without the alert sl is refused naming sl', () => {
    expect(refusal(() => sizeLots({ riskRupees: 2000 }, base)).details?.field).toBe('sl');
  });

  it('a risk that buys less than one lot is refused naming qty, not rounded up', () => {
    const e = refusal(() => sizeLots({ riskRupees: 500 }, { ...base, slPoints: 10 }));
    expect(e.details?.field).toBe('qty');
    expect(e.publicMessage).toMatch(/less than one lot/);
  });

  it('fundsPct: a share of the available funds over premium x lot size', () => {
    // 5% of 400000 = 20000; one lot at 100 costs 6500 -> 3 lots
    expect(sizeLots({ fundsPct: 5 }, { ...base, premium: 100, availableFunds: 400_000 })).toBe(3);
  });

  it('fundsPct refuses a sell (a written option is not sized by premium) and a missing price', () => {
    expect(refusal(() => sizeLots({ fundsPct: 5 }, { ...base, side: 'SELL', premium: 100, availableFunds: 1e6 })).details?.field).toBe('qty');
    expect(refusal(() => sizeLots({ fundsPct: 5 }, { ...base, availableFunds: 1e6 })).publicMessage).toMatch(/live option price/);
  });

  it('a computed size is capped by MAX_LOTS, the freeze limit and the funds, in that order of whichever is smallest', () => {
    expect(sizeLots({ riskRupees: 1e6 }, { ...base, slPoints: 1 })).toBe(10); // MAX_LOTS
    expect(sizeLots({ riskRupees: 1e6 }, { ...base, maxLots: 100, slPoints: 1 })).toBe(27); // 1800 / 65
    expect(sizeLots({ riskRupees: 1e6 }, { ...base, maxLots: 100, slPoints: 1, premium: 100, availableFunds: 13_000 })).toBe(2); // funds
  });

  it('whole lots keep the old rule: over a cap is refused, not trimmed', () => {
    expect(sizeLots(2, base)).toBe(2);
    expect(refusal(() => sizeLots(11, base)).details?.field).toBe('qty');
  });

  it('the alert accepts the two sizing objects and names qty for anything else', () => {
    const a = { token: 't', symbol: 'NIFTY', action: 'BUY', optionType: 'CE', strikeprice: 'ATM', productType: 'CO', sl: 10 };
    expect(parseAlert({ ...a, qty: { riskRupees: 2000 } }).qty).toEqual({ riskRupees: 2000 });
    expect(parseAlert({ ...a, qty: { fundsPct: '5' } }).qty).toEqual({ fundsPct: 5 });
    for (const qty of [{ fundsPct: 150 }, { riskRupees: -1 }, { lots: 2 }, 1.5]) {
      try {
        parseAlert({ ...a, qty });
        throw new Error('accepted');
      } catch (e) {
        const fields = (e as { details?: { fields?: Record<string, string> } }).details?.fields ?? {};
        expect(Object.keys(fields).some((k) => k === 'qty' || k.startsWith('qty.'))).toBe(true);
      }
    }
  });
});
