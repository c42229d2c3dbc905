import { computeBracket } from '../../../shared/orders/bracket';
import { RiskRefusedError } from '../../../shared/errors';
import { roundToTick, toTicks, isTickMultiple } from '../../../shared/orders/tick';

describe('computeBracket', () => {
  it('puts a BUY stop below and target above the entry', () => {
    expect(computeBracket({ side: 'BUY', entry: 120.35, tickSize: 0.05, sl: 20, tp: 40 })).toEqual({
      stopLossOffset: 20, stopLossPrice: 100.35, takeProfitOffset: 40, takeProfitPrice: 160.35,
    });
  });

  it('puts a SELL stop above and target below the entry', () => {
    expect(computeBracket({ side: 'SELL', entry: 120.35, tickSize: 0.05, sl: 20, tp: 40 })).toEqual({
      stopLossOffset: 20, stopLossPrice: 140.35, takeProfitOffset: 40, takeProfitPrice: 80.35,
    });
  });

  it('rounds offsets to the nearest tick and derives levels from the rounded offsets', () => {
    const b = computeBracket({ side: 'BUY', entry: 100, tickSize: 0.05, sl: 10.03, tp: 7.77 });
    expect(b.stopLossOffset).toBe(10.05);
    expect(b.stopLossPrice).toBe(89.95);
    expect(b.takeProfitOffset).toBe(7.75);
    expect(b.takeProfitPrice).toBe(107.75);
    for (const v of Object.values(b)) expect(isTickMultiple(v!, 0.05)).toBe(true);
  });

  it('never rounds an offset to zero', () => {
    expect(computeBracket({ side: 'BUY', entry: 50, tickSize: 0.05, sl: 0.01 }).stopLossOffset).toBe(0.05);
  });

  it('refuses a stop at or below zero', () => {
    expect(() => computeBracket({ side: 'BUY', entry: 15, tickSize: 0.05, sl: 15 })).toThrow(RiskRefusedError);
    expect(() => computeBracket({ side: 'SELL', entry: 15, tickSize: 0.05, tp: 20 })).toThrow(RiskRefusedError);
  });

  it('refuses to compute without a usable entry', () => {
    expect(() => computeBracket({ side: 'BUY', entry: 0, tickSize: 0.05, sl: 5 })).toThrow(RiskRefusedError);
  });

  it('returns no legs when neither is asked for', () => {
    expect(computeBracket({ side: 'BUY', entry: 100, tickSize: 0.05 })).toEqual({});
  });
});

describe('tick arithmetic', () => {
  it('survives float noise', () => {
    expect(toTicks(24.35, 0.05)).toBe(487);
    expect(roundToTick(0.1 + 0.2, 0.05)).toBe(0.3);
    expect(roundToTick(101.26, 0.05, 'down')).toBe(101.25);
    expect(roundToTick(101.26, 0.05, 'up')).toBe(101.3);
    expect(isTickMultiple(101.25, 0.05)).toBe(true);
    expect(isTickMultiple(101.26, 0.05)).toBe(false);
  });
});

describe('offsets before the price, levels after', () => {
  const { bracketOffsets, bracketLevels, computeBracket } = jest.requireActual<typeof import('../../../shared/orders/bracket')>('../../../shared/orders/bracket');
  it('gives the same offsets and levels as computeBracket, without needing the entry for the offsets', () => {
    for (const side of ['BUY', 'SELL'] as const) {
      const whole = computeBracket({ side, entry: 120.35, tickSize: 0.05, sl: 10.02, tp: 20.07 });
      const offsets = bracketOffsets({ side, tickSize: 0.05, sl: 10.02, tp: 20.07 });
      expect(offsets).toEqual({ stopLossOffset: whole.stopLossOffset, takeProfitOffset: whole.takeProfitOffset });
      expect(bracketLevels({ side, tickSize: 0.05, entry: 120.35, ...offsets })).toEqual({ stopLossPrice: whole.stopLossPrice, takeProfitPrice: whole.takeProfitPrice });
    }
  });

  it('leaves out levels it cannot state: no entry, or a stop beyond zero', () => {
    expect(bracketLevels({ side: 'BUY', tickSize: 0.05, entry: undefined, stopLossOffset: 5 })).toEqual({});
    expect(bracketLevels({ side: 'BUY', tickSize: 0.05, entry: 4, stopLossOffset: 5, takeProfitOffset: 5 })).toEqual({ takeProfitPrice: 9 });
  });
});
