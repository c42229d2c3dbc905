import { formatIst } from '../platform/ist';
import { exchangeSessionAt } from './exchange-session';
import type { TradingWindow } from './trading-window';

export interface ReadinessVerdict {
  ok: boolean;
  detail?: string;
  [k: string]: unknown;
}

export interface TradingReadinessInput {
  now: number;
  tradingEnabled: boolean;
  /** The broker session as the broker reports it. */
  session: { valid: boolean; expiresAt?: number; reason?: string };
  window: TradingWindow;
  /** Off on the paper broker and in tests: alerts trade at any hour, so the session is not a blocker. */
  enforceWindow: boolean;
}

export interface TradingReadiness {
  killSwitch: ReadinessVerdict;
  exchangeSession: ReadinessVerdict;
  brokerSession: ReadinessVerdict;
}

/**
 * Whether an alert could place an order now, judged on the three things beyond plumbing that refuse it:
 * the kill switch, the exchange session, and a broker session that would end before the exchange closes
 * (a login that dies at 14:00 fails every afternoon alert, so it is not "ready" in the morning either).
 * readyz and the login result page both show these verdicts, so they can never disagree.
 */
export function assessTradingReadiness(i: TradingReadinessInput): TradingReadiness {
  return {
    killSwitch: killSwitchVerdict(i.tradingEnabled),
    exchangeSession: exchangeSessionVerdict(i.now, i.window, i.enforceWindow),
    brokerSession: brokerSessionVerdict(i.now, i.session, i.window, i.enforceWindow),
  };
}

export function killSwitchVerdict(tradingEnabled: boolean): ReadinessVerdict {
  return tradingEnabled
    ? { ok: true, tradingEnabled: true }
    : { ok: false, tradingEnabled: false, detail: 'The kill switch is ON: every alert is refused until trading is enabled again' };
}

export function exchangeSessionVerdict(now: number, window: TradingWindow, enforceWindow: boolean): ReadinessVerdict {
  const ex = exchangeSessionAt(now, window);
  if (!enforceWindow) return { ok: true, enforced: false, open: ex.open };
  return ex.open
    ? { ok: true, enforced: true, open: true, closesAt: formatIst(ex.closesAt!) }
    : { ok: false, enforced: true, open: false, detail: 'Outside the exchange session: alerts are refused until the market opens' };
}

export function brokerSessionVerdict(now: number, session: TradingReadinessInput['session'], window: TradingWindow, enforceWindow: boolean): ReadinessVerdict {
  if (!session.valid) return { ok: false, detail: session.reason ?? 'The broker session is not valid; log in again' };
  const closesAt = exchangeSessionAt(now, window).closesAt;
  const expiresAt = session.expiresAt !== undefined ? formatIst(session.expiresAt) : undefined;
  if (enforceWindow && closesAt !== undefined && session.expiresAt !== undefined && session.expiresAt < closesAt) {
    return { ok: false, expiresAt, detail: `The broker session ends at ${expiresAt}, before the exchange closes at ${formatIst(closesAt)}; log in again` };
  }
  return { ok: true, expiresAt };
}

/** The verdicts that refuse trading, as sentences for a page. */
export function readinessBlockers(r: TradingReadiness): string[] {
  return [r.killSwitch, r.exchangeSession, r.brokerSession].filter((v) => !v.ok).map((v) => v.detail ?? 'not ready');
}
