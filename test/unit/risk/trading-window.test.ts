import { isWithinTradingWindow } from '../../../shared/risk/trading-window';
import { istInstant } from '../../../shared/platform/ist';

const window = { startMin: 9 * 60 + 15, endMin: 15 * 60 + 30, holidays: ['2026-12-25'] };
const at = (date: string, hh: number, mm: number) => istInstant(date, hh, mm);

describe('isWithinTradingWindow', () => {
  it.each([
    ['2026-11-24', 9, 14, false],
    ['2026-11-24', 9, 15, true],
    ['2026-11-24', 15, 29, true],
    ['2026-11-24', 15, 30, false],
    ['2026-11-28', 10, 0, false], // Saturday
    ['2026-11-29', 10, 0, false], // Sunday
    ['2026-12-25', 10, 0, false], // listed holiday
  ])('%s %d:%d IST → %s', (date, hh, mm, expected) => {
    expect(isWithinTradingWindow(at(date, hh, mm), window)).toBe(expected);
  });

  it('uses IST, not UTC: 03:45 UTC on a Tuesday is 09:15 IST', () => {
    expect(isWithinTradingWindow(Date.UTC(2026, 10, 24, 3, 45), window)).toBe(true);
    expect(isWithinTradingWindow(Date.UTC(2026, 10, 24, 3, 44), window)).toBe(false);
  });

  it('a Friday 23:00 UTC instant is already Saturday in India', () => {
    expect(isWithinTradingWindow(Date.UTC(2026, 10, 27, 23, 0), { ...window, startMin: 0, endMin: 1440 })).toBe(false);
  });
});
