import { istInstant } from '../../../shared/platform/ist';
import { assessTradingReadiness, readinessBlockers } from '../../../shared/risk/trading-readiness';
import { exchangeSessionAt } from '../../../shared/risk/exchange-session';

const window = { startMin: 9 * 60 + 15, endMin: 15 * 60 + 30, holidays: ['2026-12-25'] };
const TUE = '2026-11-24';
const close = istInstant(TUE, 15, 30);
const base = { tradingEnabled: true, session: { valid: true, expiresAt: istInstant('2026-11-25', 6, 0) }, window, enforceWindow: true };

describe('exchangeSessionAt', () => {
  it('gives today\'s close before and during the session, and none after it or on a holiday', () => {
    expect(exchangeSessionAt(istInstant(TUE, 8, 50), window)).toEqual({ open: false, closesAt: close });
    expect(exchangeSessionAt(istInstant(TUE, 10, 0), window)).toEqual({ open: true, closesAt: close });
    expect(exchangeSessionAt(istInstant(TUE, 15, 30), window)).toEqual({ open: false, closesAt: undefined });
    expect(exchangeSessionAt(istInstant('2026-12-25', 10, 0), window)).toEqual({ open: false, closesAt: undefined });
  });
});

describe('assessTradingReadiness', () => {
  it('is ready in the session with the switch off and a session that outlives the close', () => {
    const r = assessTradingReadiness({ ...base, now: istInstant(TUE, 10, 0) });
    expect(readinessBlockers(r)).toEqual([]);
  });

  it('names the kill switch when it is on', () => {
    const r = assessTradingReadiness({ ...base, now: istInstant(TUE, 10, 0), tradingEnabled: false });
    expect(r.killSwitch.ok).toBe(false);
    expect(readinessBlockers(r)).toEqual([expect.stringContaining('kill switch is ON')]);
  });

  it('refuses outside the session only when the window is enforced', () => {
    const evening = istInstant(TUE, 18, 0);
    expect(readinessBlockers(assessTradingReadiness({ ...base, now: evening }))).toEqual([expect.stringContaining('Outside the exchange session')]);
    expect(readinessBlockers(assessTradingReadiness({ ...base, now: evening, enforceWindow: false }))).toEqual([]);
  });

  it('refuses a broker session that ends before the exchange closes, naming both times', () => {
    const r = assessTradingReadiness({ ...base, now: istInstant(TUE, 10, 0), session: { valid: true, expiresAt: istInstant(TUE, 14, 0) } });
    expect(r.brokerSession.ok).toBe(false);
    expect(r.brokerSession.detail).toBe('The broker session ends at 2026-11-24 14:00 IST, before the exchange closes at 2026-11-24 15:30 IST; log in again');
    // A session that ends exactly at the close is enough.
    expect(assessTradingReadiness({ ...base, now: istInstant(TUE, 10, 0), session: { valid: true, expiresAt: close } }).brokerSession.ok).toBe(true);
  });

  it('judges the morning login against the coming session, before the open', () => {
    const r = assessTradingReadiness({ ...base, now: istInstant(TUE, 8, 45), session: { valid: true, expiresAt: istInstant(TUE, 12, 0) } });
    expect(r.brokerSession.ok).toBe(false);
  });

  it('passes on the broker\'s own reason for a dead session', () => {
    const r = assessTradingReadiness({ ...base, now: istInstant(TUE, 10, 0), session: { valid: false, reason: 'token expired' } });
    expect(r.brokerSession).toEqual({ ok: false, detail: 'token expired' });
  });
});
