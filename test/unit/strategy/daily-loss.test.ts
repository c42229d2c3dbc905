import type { Position } from '../../../shared/broker/broker.port';
import { PnlUnknownError, mtmOf } from '../../../shared/strategy/daily-loss';
import { TradingDisabledError } from '../../../shared/errors';

/** Issue 19 item 7: the day's loss is the broker's P&L, and an unknown P&L with real money fails closed. */
const pos = (over: Partial<Position>): Position => ({ symbol: 'NSE:X', netQty: 0, productType: 'INTRADAY', ...over });

it("reads the broker's own P&L for a contract (Fyers' pl) where given, else realised + unrealised", () => {
  expect(mtmOf([pos({ pnl: -1200, realized: -100, unrealized: 0 })])).toBe(-1200);
  expect(mtmOf([pos({ pnl: -1200 }), pos({ realized: -300, unrealized: -50 }), pos({ unrealized: 25 })])).toBe(-1525);
});

it('with the real broker, a position without any P&L figure makes the total unknown: refused, not counted as 0', () => {
  const positions = [pos({ pnl: -10 }), pos({ symbol: 'NSE:NO-PNL', netQty: 65 })];
  expect(() => mtmOf(positions, { requirePnl: true })).toThrow(PnlUnknownError);
  expect(() => mtmOf(positions, { requirePnl: true })).toThrow(TradingDisabledError);
  expect(() => mtmOf(positions, { requirePnl: true })).toThrow(/NSE:NO-PNL/);
  // Paper may leave the figures out.
  expect(mtmOf(positions)).toBe(-10);
});
