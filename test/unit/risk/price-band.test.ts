import { limitPriceRefusal, mppBand, mppLimit } from '../../../shared/risk/price-band';

describe('MPP band (Fyers, options, since April 2026)', () => {
  it.each([
    [281, 28.1], [20.05, 2.005], [20, 3], [15, 2.25], [10.05, 1.5075], [10, 1.5], [3.2, 1.5],
  ])('LTP %d → band %d', (ltp, band) => {
    expect(mppBand(ltp)).toBeCloseTo(band, 6);
  });

  it('the protected limit is on the tick grid and on the side that protects the trader', () => {
    expect(mppLimit('BUY', 281, 0.05)).toBe(309.1);
    expect(mppLimit('SELL', 281, 0.05)).toBe(252.9);
    expect(mppLimit('SELL', 1.2, 0.05)).toBe(0.05);
  });
});

describe('limitPriceRefusal', () => {
  it('refuses the index price sent as an option LIMIT, quoting both prices', () => {
    expect(limitPriceRefusal(24512.35, 281, 20)).toBe(
      "price 24512.35 is more than 20% away from the option's last traded price 281 (allowed 224.8–337.2); was the underlying's price sent instead of the option's?",
    );
  });

  it('accepts a price inside the band, edges included', () => {
    expect(limitPriceRefusal(281, 281, 20)).toBeUndefined();
    expect(limitPriceRefusal(224.8, 281, 20)).toBeUndefined();
    expect(limitPriceRefusal(337.2, 281, 20)).toBeUndefined();
    expect(limitPriceRefusal(337.25, 281, 20)).toMatch(/more than 20% away/);
  });
});
