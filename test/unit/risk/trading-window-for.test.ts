import { tradingWindowFor } from '../../../shared/risk/trading-window';

describe('tradingWindowFor: the calendar session narrowed by TRADING_WINDOW', () => {
  it('is the whole calendar session when not narrowed, dated by the day', () => {
    expect(tradingWindowFor('NSE', '2026-12-07', undefined, ['2026-12-25'])).toEqual({ startMin: 555, endMin: 940, holidays: ['2026-12-25'] });
    expect(tradingWindowFor('BSE', '2026-07-31', undefined, [])).toEqual({ startMin: 555, endMin: 930, holidays: [] });
  });

  it('only narrows: a TRADING_WINDOW reaching past the session is cut to it', () => {
    expect(tradingWindowFor('NSE', '2026-12-07', { startMin: 9 * 60 + 30, endMin: 16 * 60 }, [])).toEqual({ startMin: 570, endMin: 940, holidays: [] });
    expect(tradingWindowFor('NSE', '2026-12-07', { startMin: 9 * 60, endMin: 15 * 60 }, [])).toEqual({ startMin: 555, endMin: 900, holidays: [] });
  });
});
