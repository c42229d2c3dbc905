import * as v from 'valibot';

const count = (max: number) =>
  v.nullable(v.pipe(v.union([v.number(), v.pipe(v.string(), v.trim(), v.regex(/^\d+$/, 'must be a whole number'), v.transform(Number))]), v.integer('must be a whole number'), v.minValue(0), v.maxValue(max)));
const flag = v.pipe(
  v.union([v.boolean(), v.pipe(v.string(), v.trim(), v.toLowerCase(), v.picklist(['true', 'false'], 'must be true or false'), v.transform((s) => s === 'true'))]),
);

/**
 * A change to the runtime controls as an operator sends it. `null` clears an override (back to the
 * deployed MAX_LOTS, or no daily cap); absent fields are left alone.
 */
export const ControlsPatchSchema = v.strictObject(
  {
    tradingEnabled: v.optional(flag),
    reduceOnly: v.optional(flag),
    maxLots: v.optional(count(10_000)),
    dailyOrderCap: v.optional(count(100_000)),
    /** Who is making the change, for the audit; defaults to "operator". */
    actor: v.optional(v.pipe(v.string(), v.trim(), v.regex(/^[\w.@ -]{1,64}$/, 'must be 1-64 letters, digits, spaces or . @ - _'))),
  },
  'is not a known control (tradingEnabled, reduceOnly, maxLots, dailyOrderCap, actor)',
);

export type ControlsPatch = v.InferOutput<typeof ControlsPatchSchema>;
