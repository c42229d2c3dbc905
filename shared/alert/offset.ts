import * as v from 'valibot';

/**
 * A stop, target or trail distance from the entry: price points (`20`, `"20"`) or a percent of the
 * entry's fill price (`"1.5%"`), the two units TradersPost and Fyers' TP/SL legs (legType 1 and 2) take.
 * Points stay a plain number so every place that only knows points keeps working unchanged.
 */
export type Offset = number | { pct: number };

const MESSAGE = 'must be positive points from the entry (e.g. 20) or a percent of the fill price (e.g. "1.5%")';

export const OffsetSchema = v.pipe(
  v.union([v.number(), v.string()], MESSAGE),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const raw = typeof dataset.value === 'number' ? String(dataset.value) : dataset.value.trim();
    const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(raw);
    if (pct) {
      const n = Number(pct[1]);
      // Fyers takes percent legs between 0.0025 and 100; a stop of 100 % or more is no stop.
      if (n >= 0.0025 && n < 100) return { pct: n };
      addIssue({ message: 'a percent must be at least 0.0025 and below 100' });
      return NEVER;
    }
    if (/^\d+(\.\d+)?$/.test(raw) && Number(raw) > 0 && Number(raw) <= 1_000_000) return Number(raw);
    addIssue({ message: MESSAGE });
    return NEVER;
  }),
);

export const isPct = (o: Offset | undefined): o is { pct: number } => typeof o === 'object' && o !== null;
export const pointsOf = (o: Offset | undefined): number | undefined => (typeof o === 'number' ? o : undefined);
export const pctOf = (o: Offset | undefined): number | undefined => (isPct(o) ? o.pct : undefined);

/** The offset in points once the entry's price is known (a percent of it), unrounded. */
export function offsetPoints(o: Offset, entry: number): number {
  return isPct(o) ? (entry * o.pct) / 100 : o;
}

/** "20 points" / "1.5 %", for messages. */
export const describeOffset = (o: Offset): string => (isPct(o) ? `${o.pct} %` : `${o} points`);
