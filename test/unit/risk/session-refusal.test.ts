import { istInstant } from '../../../shared/platform/ist';
import { sessionRefusal } from '../../../shared/risk/trading-window';
import { parseSessionCell } from '../../../shared/symbols/trading-session';
import { assertInSession } from '../../../shared/orders/session-gate';
import { OutsideTradingWindowError } from '../../../shared/errors';
import { sampleIndex } from '../../helpers/symbol-fixtures';
import { sampleSymbolMaster } from '../../../shared/symbols/sample-symbol-master';
import { parseSymbolMaster } from '../../../shared/symbols/parse-symbol-master';
import { buildSymbolIndex } from '../../../shared/symbols/symbol-index';

const NSE = parseSessionCell('0915-1540|1815-1915:')!;
const BSE = parseSessionCell('0915-1530|1815-1915:')!;
const at = (hh: number, mm: number, date = '2026-11-24') => istInstant(date, hh, mm);
const policy = { holidays: ['2026-12-25'] };

describe('sessions from master column 6', () => {
  it('reads the first window of the cell and ignores the undocumented second one', () => {
    expect(NSE).toEqual({ startMin: 555, endMin: 940, label: '09:15-15:40' });
    expect(parseSessionCell('')).toBeUndefined();
    expect(parseSessionCell('1540-0915')).toBeUndefined();
  });

  it('a close alert at 15:35 on NSE trades (it used to get 403 at the old 15:30 close); 15:40 is closed', () => {
    expect(sessionRefusal(at(15, 35), 'NSE', NSE, policy)).toBeUndefined();
    expect(sessionRefusal(at(15, 39), 'NSE', NSE, policy)).toBeUndefined();
    expect(sessionRefusal(at(15, 40), 'NSE', NSE, policy)).toBe('Outside trading hours: the NSE F&O session is 09:15-15:40 IST on trading days');
    expect(sessionRefusal(at(15, 35), 'BSE', BSE, policy)).toBe('Outside trading hours: the BSE F&O session is 09:15-15:30 IST on trading days');
  });

  it('TRADING_WINDOW only narrows the session, never widens it, and the text quotes both', () => {
    const narrowing = { startMin: 9 * 60 + 30, endMin: 16 * 60 };
    expect(sessionRefusal(at(9, 20), 'NSE', NSE, { ...policy, narrowing })).toBe(
      'Outside the trading window: TRADING_WINDOW allows 09:30-15:40 IST of the NSE F&O session 09:15-15:40 IST',
    );
    expect(sessionRefusal(at(15, 45), 'NSE', NSE, { ...policy, narrowing })).toBe('Outside trading hours: the NSE F&O session is 09:15-15:40 IST on trading days');
    expect(sessionRefusal(at(10, 0), 'NSE', NSE, { ...policy, narrowing })).toBeUndefined();
  });

  it('weekends and holidays are closed, and say so', () => {
    expect(sessionRefusal(at(10, 0, '2026-12-25'), 'NSE', NSE, policy)).toBe('Outside trading hours: 2026-12-25 is a market holiday; the NSE F&O session is 09:15-15:40 IST on trading days');
    expect(sessionRefusal(at(10, 0, '2026-11-28'), 'NSE', NSE, policy)).toMatch(/^Outside trading hours: 2026-11-28 is a weekend/);
  });

  it('without a session in the master the market calendar answers for that day, and the text says so', () => {
    const fromCalendar = (hours: string, exchange = 'NSE') => `Outside trading hours: the ${exchange} F&O session is ${hours} IST (from the market calendar: the symbol master states none) on trading days`;
    expect(sessionRefusal(at(15, 35), 'NSE', undefined, policy)).toBeUndefined();
    expect(sessionRefusal(at(15, 40), 'NSE', undefined, policy)).toBe(fromCalendar('09:15-15:40'));
    expect(sessionRefusal(at(15, 35, '2026-07-31'), 'NSE', undefined, policy)).toBe(fromCalendar('09:15-15:30'));
    expect(sessionRefusal(at(15, 35, '2026-07-31'), 'BSE', undefined, policy)).toBe(fromCalendar('09:15-15:30', 'BSE'));
    expect(sessionRefusal(at(15, 35, '2026-08-03'), 'BSE', undefined, policy)).toBeUndefined();
  });

  it('the gate judges each alert by its own exchange, and the master’s session wins over the calendar', () => {
    // A BSE master still stating 15:30 after the calendar moved to 15:40: NIFTY at 15:35 trades, SENSEX is refused.
    const { nseFo, bseFo } = sampleSymbolMaster(at(10, 0));
    const index = buildSymbolIndex([...parseSymbolMaster(nseFo).instruments, ...parseSymbolMaster(bseFo.replaceAll('0915-1540|', '0915-1530|')).instruments], 'test');
    expect(() => assertInSession(index, 'NIFTY', at(15, 35), policy)).not.toThrow();
    expect(() => assertInSession(index, 'SENSEX', at(15, 35), policy)).toThrow(OutsideTradingWindowError);
    expect(() => assertInSession(index, 'SENSEX', at(15, 35), policy)).toThrow('the BSE F&O session is 09:15-15:30 IST');
    // The generated sample states the calendar's hours, so on it SENSEX trades at 15:35 too.
    expect(() => assertInSession(sampleIndex(at(10, 0)), 'SENSEX', at(15, 35), policy)).not.toThrow();
  });
});
