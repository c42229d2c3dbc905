import { istInstant } from '../platform/ist';
import { sessionFor, type Exchange } from '../market/market-calendar';

/**
 * Calendar arithmetic on IST dates for generating expiry schedules. Dates are whole-day numbers (days since
 * 1970-01-01 on the IST calendar) so adding weeks never trips over time zones.
 */
const DAY_MS = 86_400_000;

export interface CalendarDay { day: number; year: number; month: number; date: number; weekday: number; iso: string }

export function calendarDay(day: number): CalendarDay {
  const d = new Date(day * DAY_MS);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  const date = d.getUTCDate();
  return { day, year, month, date, weekday: d.getUTCDay(), iso: `${year}-${String(month).padStart(2, '0')}-${String(date).padStart(2, '0')}` };
}

export const dayOf = (year: number, month: number, date: number): number => Date.UTC(year, month - 1, date) / DAY_MS;

/** The last `weekday` (0 = Sunday) of a month; `month` may run past 12 into the next year. */
export function lastWeekdayOfMonth(year: number, month: number, weekday: number): number {
  const last = dayOf(year, month + 1, 0);
  return last - ((calendarDay(last).weekday - weekday + 7) % 7);
}

/**
 * Contracts expire at their exchange's close on the expiry day, as epoch seconds the way the master stores
 * them. The close is the market calendar's for that date, so an expiry before 3 Aug 2026 keeps 15:30.
 */
export function expiryInstantSec(day: number, exchange: Exchange = 'NSE'): number {
  const { iso } = calendarDay(day);
  const { endMin } = sessionFor(exchange, iso);
  return istInstant(iso, Math.floor(endMin / 60), endMin % 60) / 1000;
}

/** The next `count` days falling on `weekday`, from `fromDay` on. */
export function upcomingWeekdays(fromDay: number, weekday: number, count: number): number[] {
  const first = fromDay + ((weekday - calendarDay(fromDay).weekday + 7) % 7);
  return Array.from({ length: count }, (_, i) => first + 7 * i);
}
