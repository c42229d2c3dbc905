import { istParts } from '../../shared/platform/ist';

/** How many postbacks a day have their header names logged. */
export const HEADER_NAMES_PER_DAY = 5;

/**
 * Fyers does not document how it signs postbacks, so the first few of each day log the NAMES of the
 * headers they came with (never a value): the operator can see what Fyers really sends. Per instance.
 */
export function createHeaderNamesLog(perDay = HEADER_NAMES_PER_DAY) {
  let day = '';
  let seen = 0;
  return {
    /** The sorted header names when this postback is among the first of its day, else undefined. */
    take(nowMs: number, headers: Record<string, unknown>): string[] | undefined {
      const today = istParts(nowMs).date;
      if (today !== day) {
        day = today;
        seen = 0;
      }
      if (seen >= perDay) return undefined;
      seen++;
      return Object.keys(headers).map((h) => h.toLowerCase()).sort();
    },
  };
}
