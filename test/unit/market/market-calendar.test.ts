import { FO_CLOSE_MOVED_ON, sessionAt, sessionFor, widestSessionFor } from '../../../shared/market/market-calendar';
import { hhmmOf, minutesOf, sessionLabel } from '../../../shared/market/session-time';
import { istInstant } from '../../../shared/platform/ist';

describe('market calendar: default F&O hours per exchange', () => {
  it('before 3 Aug 2026 NSE and BSE F&O close at 15:30', () => {
    for (const exchange of ['NSE', 'BSE'] as const) {
      expect(sessionFor(exchange, '2026-07-31')).toEqual({
        exchange, segment: 'F&O', opens: '09:15', closes: '15:30', startMin: 555, endMin: 930, label: '09:15-15:30',
      });
    }
  });

  it('from 3 Aug 2026 (the change day itself included) both close at 15:40', () => {
    expect(FO_CLOSE_MOVED_ON).toBe('2026-08-03');
    for (const exchange of ['NSE', 'BSE'] as const) {
      expect(sessionFor(exchange, '2026-08-02').closes).toBe('15:30');
      expect(sessionFor(exchange, '2026-08-03')).toMatchObject({ exchange, opens: '09:15', closes: '15:40', startMin: 555, endMin: 940, label: '09:15-15:40' });
      expect(sessionFor(exchange, '2027-01-04').closes).toBe('15:40');
    }
  });

  it('dates an instant by its IST calendar day: 23:00 UTC on 2 Aug is already 3 Aug in India', () => {
    expect(sessionAt('NSE', Date.UTC(2026, 7, 2, 18, 0)).closes).toBe('15:30'); // 23:30 IST on 2 Aug
    expect(sessionAt('NSE', Date.UTC(2026, 7, 2, 19, 0)).closes).toBe('15:40'); // 00:30 IST on 3 Aug
    expect(sessionAt('BSE', istInstant('2026-08-03', 10, 0)).endMin).toBe(940);
  });

  it('the widest session covers both exchanges on the day', () => {
    expect(widestSessionFor('2026-07-01')).toEqual({ startMin: 555, endMin: 930 });
    expect(widestSessionFor('2026-12-07')).toEqual({ startMin: 555, endMin: 940 });
  });

  it('session times read and print as HH:MM', () => {
    expect(minutesOf('15:40')).toBe(940);
    expect(hhmmOf(555)).toBe('09:15');
    expect(sessionLabel(555, 940)).toBe('09:15-15:40');
  });
});
