/** India has had no daylight saving since 1945, so IST is a fixed +05:30 offset. */
export const IST_OFFSET_MS = 330 * 60_000;

export interface IstParts { year: number; month: number; day: number; weekday: number; minutes: number; date: string }

/** Calendar fields of an instant as seen on a clock in India (weekday 0 = Sunday, minutes since midnight). */
export function istParts(epochMs: number): IstParts {
  const d = new Date(epochMs + IST_OFFSET_MS);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  return {
    year, month, day,
    weekday: d.getUTCDay(),
    minutes: d.getUTCHours() * 60 + d.getUTCMinutes(),
    date: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
  };
}

/** The epoch ms of hh:mm IST on an IST calendar date `YYYY-MM-DD`. */
export function istInstant(date: string, hh = 0, mm = 0): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d, hh, mm) - IST_OFFSET_MS;
}

/** `2026-11-26 06:00 IST`, the way an Indian trader reads a time. */
export function formatIst(epochMs: number): string {
  const p = istParts(epochMs);
  const hh = String(Math.floor(p.minutes / 60)).padStart(2, '0');
  const mm = String(p.minutes % 60).padStart(2, '0');
  return `${p.date} ${hh}:${mm} IST`;
}
