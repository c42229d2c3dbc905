import { istParts } from '../platform/ist';

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
