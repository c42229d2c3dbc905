import { istParts } from '../platform/ist';

const hhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

/** `09:15-15:40`, the way a session is quoted to an operator. */
export const sessionLabel = (startMin: number, endMin: number): string => `${hhmm(startMin)}-${hhmm(endMin)}`;

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

/** Used only when the master states no session for the exchange: the older, shorter NSE/BSE session. */
export const FALLBACK_SESSION = { startMin: 9 * 60 + 15, endMin: 15 * 60 + 30 } as const;

/**
 * Why an alert at `epochMs` may not trade on `exchange`, or undefined when it may. The session comes from
 * the exchange's master rows (NSE F&O closes at 15:40 since 3 Aug 2026); TRADING_WINDOW can only narrow it.
 * The text quotes the session actually applied, so an operator sees the real hours in the refusal.
 */
export function sessionRefusal(
  epochMs: number,
  exchange: string,
  session: { startMin: number; endMin: number } | undefined,
  policy: SessionPolicy,
): string | undefined {
  const base = session ?? FALLBACK_SESSION;
  const n = policy.narrowing;
  const startMin = n ? Math.max(base.startMin, n.startMin) : base.startMin;
  const endMin = n ? Math.min(base.endMin, n.endMin) : base.endMin;
  const label = sessionLabel(base.startMin, base.endMin);
  const sessionText = `the ${exchange} F&O session is ${label} IST${session ? '' : ' (assumed: the symbol master states none)'}`;
  const p = istParts(epochMs);
  if (p.weekday === 0 || p.weekday === 6) return `Outside trading hours: ${p.date} is a weekend; ${sessionText} on trading days`;
  if (policy.holidays.includes(p.date)) return `Outside trading hours: ${p.date} is a market holiday; ${sessionText} on trading days`;
  if (p.minutes < base.startMin || p.minutes >= base.endMin) return `Outside trading hours: ${sessionText} on trading days`;
  if (p.minutes >= startMin && p.minutes < endMin) return undefined;
  return `Outside the trading window: TRADING_WINDOW allows ${sessionLabel(startMin, endMin)} IST of the ${exchange} F&O session ${label} IST`;
}
