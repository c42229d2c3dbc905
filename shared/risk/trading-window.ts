import { istParts } from '../platform/ist';
import { sessionFor, type Exchange } from '../market/market-calendar';
import { sessionLabel } from '../market/session-time';

export interface TradingWindow {
  /** Minutes after IST midnight. */
  startMin: number;
  endMin: number;
  /** IST dates (YYYY-MM-DD) the exchange is shut. */
  holidays: readonly string[];
}

/** Whether an instant falls inside the session on an Indian weekday that is not a holiday. End is exclusive. */
export function isWithinTradingWindow(epochMs: number, window: TradingWindow): boolean {
  const p = istParts(epochMs);
  if (p.weekday === 0 || p.weekday === 6) return false;
  if (window.holidays.includes(p.date)) return false;
  return p.minutes >= window.startMin && p.minutes < window.endMin;
}

/** The operator's policy on top of the exchange's session: holidays, and an optional narrower window. */
export interface SessionPolicy {
  /** TRADING_WINDOW: trade only inside this part of the session (never outside the session). */
  narrowing?: { startMin: number; endMin: number };
  holidays: readonly string[];
}

/**
 * The exchange's session on `date` from the market calendar, narrowed by TRADING_WINDOW (never widened),
 * with the operator's holidays: the window readiness, the login page and reconcile judge by.
 */
export function tradingWindowFor(
  exchange: Exchange,
  date: string,
  narrowing: { startMin: number; endMin: number } | undefined,
  holidays: readonly string[],
): TradingWindow {
  const s = sessionFor(exchange, date);
  return { startMin: Math.max(s.startMin, narrowing?.startMin ?? 0), endMin: Math.min(s.endMin, narrowing?.endMin ?? 24 * 60), holidays };
}

/**
 * Why an alert at `epochMs` may not trade on `exchange`, or undefined when it may. The session comes from
 * the exchange's master rows when they state one, else from the market calendar for that day (NSE and BSE
 * F&O close at 15:40 since 3 Aug 2026); TRADING_WINDOW can only narrow it. The text quotes the session
 * actually applied, so an operator sees the real hours in the refusal.
 */
export function sessionRefusal(
  epochMs: number,
  exchange: Exchange,
  session: { startMin: number; endMin: number } | undefined,
  policy: SessionPolicy,
): string | undefined {
  const base = session ?? sessionFor(exchange, istParts(epochMs).date);
  const n = policy.narrowing;
  const startMin = n ? Math.max(base.startMin, n.startMin) : base.startMin;
  const endMin = n ? Math.min(base.endMin, n.endMin) : base.endMin;
  const label = sessionLabel(base.startMin, base.endMin);
  const sessionText = `the ${exchange} F&O session is ${label} IST${session ? '' : ' (from the market calendar: the symbol master states none)'}`;
  const p = istParts(epochMs);
  if (p.weekday === 0 || p.weekday === 6) return `Outside trading hours: ${p.date} is a weekend; ${sessionText} on trading days`;
  if (policy.holidays.includes(p.date)) return `Outside trading hours: ${p.date} is a market holiday; ${sessionText} on trading days`;
  if (p.minutes < base.startMin || p.minutes >= base.endMin) return `Outside trading hours: ${sessionText} on trading days`;
  if (p.minutes >= startMin && p.minutes < endMin) return undefined;
  return `Outside the trading window: TRADING_WINDOW allows ${sessionLabel(startMin, endMin)} IST of the ${exchange} F&O session ${label} IST`;
}
