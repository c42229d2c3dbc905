import { protectionFields } from '../../../shared/orders/order-protection';

describe('protectionFields', () => {
  const offsets = { stopLossOffset: 20, takeProfitOffset: 40.5 };

  it('legs: INTRADAY and MARGIN carry the offsets as TP/SL legs in points', () => {
    expect(protectionFields('legs', 'INTRADAY', offsets)).toEqual({ order: { stopLoss: 20, takeProfit: 40.5, legs: 'points' } });
    expect(protectionFields('legs', 'MARGIN', { stopLossOffset: 20 })).toEqual({ order: { stopLoss: 20, takeProfit: undefined, legs: 'points' } });
  });

  it('CO/BO keep their own offsets, never as legs, whatever the mode', () => {
    for (const mode of ['legs', 'bracket', 'managed', 'off'] as const) {
      expect(protectionFields(mode, 'BO', offsets)).toEqual({ order: { stopLoss: 20, takeProfit: 40.5 } });
    }
  });

  it('managed: nothing on the order, the offsets go to the seam the order lifecycle picks up', () => {
    expect(protectionFields('managed', 'INTRADAY', offsets)).toEqual({ order: {}, managed: offsets });
  });

  it('no sl/tp: no leg fields at all', () => {
    expect(protectionFields('legs', 'INTRADAY', {})).toEqual({ order: {} });
  });
});
