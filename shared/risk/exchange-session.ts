import { istInstant, istParts } from '../platform/ist';
import { isWithinTradingWindow, type TradingWindow } from './trading-window';

/** Where an instant sits against the exchange's session, in the words readiness and the console need. */
export interface ExchangeSession {
  open: boolean;
  /** Today's close (epoch ms) when today is a trading day and the close is still ahead. */
  closesAt?: number;
}

/**
 * The one place that answers "is the exchange open, and until when?" for readiness, the login page and
 * the console. It reads the single configured window today; per-exchange sessions replace the body here.
 */
export function exchangeSessionAt(nowMs: number, window: TradingWindow): ExchangeSession {
  const p = istParts(nowMs);
  const tradingDay = p.weekday !== 0 && p.weekday !== 6 && !window.holidays.includes(p.date);
  const close = istInstant(p.date, Math.floor(window.endMin / 60), window.endMin % 60);
  return { open: isWithinTradingWindow(nowMs, window), closesAt: tradingDay && nowMs < close ? close : undefined };
}
