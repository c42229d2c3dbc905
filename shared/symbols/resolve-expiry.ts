import type { ExpirySelector } from '../alert/alert.schema';
import { UnknownInstrumentError } from '../errors';
import { istParts } from '../platform/ist';
import type { SymbolIndex } from './instrument';
import type { Listing } from './resolve-listing';

const SHOWN = 5;

/** IST calendar date of an expiry given in epoch seconds. */
export const expiryDate = (expirySec: number): string => istParts(expirySec * 1000).date;

/** `2026-11-24, 2026-12-01, … (+3 more)` — enough for an operator to fix the alert. */
export function listExpiries(expiries: readonly number[]): string {
  if (!expiries.length) return 'none';
  const shown = expiries.slice(0, SHOWN).map(expiryDate).join(', ');
  return expiries.length > SHOWN ? `${shown} (+${expiries.length - SHOWN} more)` : shown;
}

const monthKey = (year: number, month: number) => year * 12 + (month - 1);

/**
 * Picks the option expiry an alert means, from the expiries not yet past at `nowMs`:
 * `nearest` the first, `next` the second, `monthly` the last one in the current IST month (or, once that has
 * passed, the last of next month), and `YYYY-MM-DD` the one on that IST date. Returns epoch seconds.
 * @throws UnknownInstrumentError naming the expiries that are available.
 */
export function resolveExpiry(index: SymbolIndex, listing: Listing, selector: ExpirySelector | undefined, nowMs: number): number {
  const { exchange, underlying } = listing;
  const live = index.optionExpiries(exchange, underlying, nowMs);
  const fail = (why: string) =>
    new UnknownInstrumentError(`${why}; available ${underlying} expiries: ${listExpiries(live)}`, {
      field: 'expiry', underlying, available: live.slice(0, SHOWN).map(expiryDate),
    });
  if (!live.length) throw fail(`${underlying} has no option expiry still to come`);

  const sel = selector ?? 'nearest';
  if (sel === 'nearest') return live[0]!;
  if (sel === 'next') {
    if (live.length < 2) throw fail(`${underlying} has no expiry after the nearest one`);
    return live[1]!;
  }
  if (sel === 'monthly') {
    const now = istParts(nowMs);
    const thisMonth = monthKey(now.year, now.month);
    for (const target of [thisMonth, thisMonth + 1]) {
      let last: number | undefined;
      for (const e of live) {
        const p = istParts(e * 1000);
        const k = monthKey(p.year, p.month);
        if (k === target) last = e;
        else if (k > target) break;
      }
      if (last !== undefined) return last;
    }
    throw fail(`${underlying} has no expiry left this month or next month`);
  }
  const found = live.find((e) => expiryDate(e) === sel.date);
  if (found !== undefined) return found;
  const past = index.optionExpiries(exchange, underlying).some((e) => expiryDate(e) === sel.date);
  throw fail(past ? `the ${underlying} expiry on ${sel.date} has already expired` : `${underlying} has no expiry on ${sel.date}`);
}
