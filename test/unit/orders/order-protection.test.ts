import { protectionFor } from '../../../shared/orders/order-protection';

describe('protectionFor', () => {
  it('legs: points go as tick-rounded TP/SL legs (legType 1), with the same exits kept ready for a legs refusal', () => {
    expect(protectionFor('legs', 'BUY', 0.05, { sl: 20.02, tp: 40.5 })).toEqual({
      order: { stopLoss: 20, takeProfit: 40.5, legs: 'points' },
      exitsIfLegsRefused: { slPoints: 20, tpPoints: 40.5, tickSize: 0.05 },
      offsets: { stopLossOffset: 20, takeProfitOffset: 40.5 },
    });
  });

  it('legs: percent goes as legType 2 legs, unrounded (a share of the entry, not a price)', () => {
    const p = protectionFor('legs', 'BUY', 0.05, { sl: { pct: 1.5 }, tp: { pct: 3 } });
    expect(p.order).toEqual({ stopLoss: 1.5, takeProfit: 3, legs: 'percent' });
    expect(p.exitsIfLegsRefused).toEqual({ slPct: 1.5, tpPct: 3, tickSize: 0.05 });
  });

  it('managed: nothing on the order; points, percent and trail go to the managed exits', () => {
    expect(protectionFor('managed', 'SELL', 0.05, { sl: 10, tp: { pct: 2 }, trail: 5 })).toEqual({
      order: {},
      exits: { slPoints: 10, tpPct: 2, trailPoints: 5, tickSize: 0.05 },
      offsets: { stopLossOffset: 10 },
    });
  });

  it('no sl/tp: no leg fields and no exits at all', () => {
    expect(protectionFor('legs', 'BUY', 0.05, {})).toEqual({ order: {}, offsets: {} });
    expect(protectionFor('off', 'BUY', 0.05, { sl: 10 })).toEqual({ order: {}, offsets: {} });
  });
});
