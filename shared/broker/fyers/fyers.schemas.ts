import * as v from 'valibot';

/**
 * Response shapes we rely on, and only the fields we use. Objects are loose (Fyers adds fields
 * freely) and numbers may arrive quoted, as in its symbol master; anything else fails the parse.
 */
const num = v.pipe(
  v.union([v.number(), v.pipe(v.string(), v.trim(), v.regex(/^-?\d+(\.\d+)?$/))]),
  v.transform(Number),
  v.number(),
  v.finite(),
);

export const QuotesSchema = v.looseObject({
  d: v.array(
    v.looseObject({
      n: v.string(),
      s: v.optional(v.string()),
      v: v.optional(v.looseObject({ lp: v.optional(v.unknown()) })),
    }),
  ),
});

export const PositionsSchema = v.looseObject({
  netPositions: v.optional(
    v.array(v.looseObject({ symbol: v.string(), netQty: num, productType: v.string(), netAvg: v.optional(num), ltp: v.optional(num), pl: v.optional(num), realized_profit: v.optional(num), unrealized_profit: v.optional(num) })),
    [],
  ),
});

export const FundsSchema = v.looseObject({
  fund_limit: v.array(v.looseObject({ id: num, equityAmount: num })),
});

export const TokenReplySchema = v.looseObject({
  access_token: v.pipe(v.string(), v.minLength(1)),
  refresh_token: v.optional(v.string()),
});
