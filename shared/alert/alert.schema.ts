import * as v from 'valibot';
import { OffsetSchema } from './offset';

/**
 * The TradingView alert contract. TradingView placeholders arrive as strings ("24500", "buy"),
 * so numbers are accepted as numeric strings and enums case-insensitively. Every other deviation
 * is refused rather than guessed: an order built on a guess is worse than no order.
 */
const upperEnum = <const T extends readonly [string, ...string[]]>(values: T, message: string) =>
  v.pipe(v.string(message), v.trim(), v.toUpperCase(), v.picklist(values, message));

const numeric = (message: string) =>
  v.pipe(
    v.union([v.number(), v.pipe(v.string(), v.trim(), v.regex(/^-?\d+(\.\d+)?$/, message))], message),
    v.transform((x) => Number(x)),
    v.number(),
    v.finite(message),
  );

const positive = (message: string) => v.pipe(numeric(message), v.gtValue(0, message), v.maxValue(1_000_000, message));

/** A stop-loss, target or trail distance: positive points from the entry, or a percent of the fill ("1.5%"). */
export const PointsSchema = OffsetSchema;

/** `24500`, `"24500"`, `ATM`, `ATM+2`, `atm - 1`. */
export const StrikeSchema = v.pipe(
  v.union([v.number(), v.string()], 'must be a strike or ATM, ATM+n, ATM-n'),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const raw = String(dataset.value).trim().toUpperCase().replace(/\s+/g, '');
    const atm = /^ATM(?:([+-])(\d{1,2}))?$/.exec(raw);
    if (atm) return { atmOffset: atm[1] === '-' ? -Number(atm[2]) : Number(atm[2] ?? 0) } as const;
    if (/^\d+(\.\d+)?$/.test(raw) && Number(raw) > 0 && Number(raw) < 10_000_000) return Number(raw);
    addIssue({ message: 'must be a strike (e.g. 24500) or ATM, ATM+n, ATM-n' });
    return NEVER;
  }),
);

export const ExpirySchema = v.pipe(
  v.string('must be YYYY-MM-DD, nearest, next or monthly'),
  v.trim(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const raw = dataset.value.toLowerCase();
    if (raw === 'nearest' || raw === 'next' || raw === 'monthly') return raw;
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
    if (m) {
      const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
      if (d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])) return { date: raw };
    }
    addIssue({ message: 'must be YYYY-MM-DD, nearest, next or monthly' });
    return NEVER;
  }),
);

export const SymbolSchema = v.pipe(
  v.string('must be an underlying such as NIFTY or NSE:NIFTY'),
  v.trim(),
  v.toUpperCase(),
  v.regex(/^((NSE|BSE):)?[A-Z0-9&_-]{2,30}$/, 'must be an underlying such as NIFTY, BANKNIFTY, SENSEX or NSE:NIFTY'),
);

/** Whole lots, or a size for the bridge to compute: `{ "riskRupees": 2000 }` (with sl) or `{ "fundsPct": 5 }`. */
export const QtySchema = v.union(
  [
    v.pipe(numeric('must be a whole number of lots'), v.integer('must be a whole number of lots'), v.minValue(1, 'must be at least 1 lot'), v.maxValue(100_000, 'is too large')),
    v.strictObject({ riskRupees: v.pipe(positive('riskRupees must be a positive amount of rupees'), v.maxValue(100_000_000, 'riskRupees is too large')) }),
    v.strictObject({ fundsPct: v.pipe(positive('fundsPct must be a percentage above 0'), v.maxValue(100, 'fundsPct must be at most 100')) }),
  ],
  'must be a whole number of lots, { "riskRupees": n } or { "fundsPct": n }',
);

export const AlertSchema = v.object({
  token: v.pipe(v.string('is required'), v.minLength(1, 'is required'), v.maxLength(256, 'is too long')),
  symbol: SymbolSchema,
  action: upperEnum(['BUY', 'SELL'], 'must be BUY or SELL'),
  optionType: upperEnum(['CE', 'PE'], 'must be CE or PE'),
  strikeprice: StrikeSchema,
  expiry: v.optional(ExpirySchema, 'nearest'),
  qty: v.optional(QtySchema, 1),
  // CO and BO are retired at Fyers (-1800); parseAlert carries them as INTRADAY with TP/SL legs and says so.
  productType: v.optional(upperEnum(['INTRADAY', 'MARGIN', 'CO', 'BO'], 'must be INTRADAY or MARGIN (CO and BO are carried as INTRADAY with legs)'), 'INTRADAY'),
  orderType: v.optional(upperEnum(['MARKET', 'LIMIT'], 'must be MARKET or LIMIT'), 'MARKET'),
  price: v.optional(positive('must be a positive price')),
  sl: v.optional(OffsetSchema),
  tp: v.optional(OffsetSchema),
  /** A trailing stop (PROTECTION=managed): the stop follows the best price at this distance, never back. */
  trail: v.optional(OffsetSchema),
  intent: v.optional(v.pipe(v.string('must be open or close'), v.trim(), v.toLowerCase(), v.picklist(['open', 'close'], 'must be open or close')), 'open'),
  idempotency_key: v.optional(v.pipe(v.string('must be a string'), v.trim(), v.regex(/^[A-Za-z0-9_.:{}\-]{1,128}$/, 'must be 1-128 letters, digits or _ . : - characters'))),
  // Informational fields TradingView templates commonly carry; accepted and kept in the audit, never acted on.
  comment: v.optional(v.pipe(v.string(), v.maxLength(500))),
  strategy: v.optional(v.pipe(v.string(), v.maxLength(200))),
  time: v.optional(v.pipe(v.string(), v.maxLength(64))),
  timenow: v.optional(v.pipe(v.string(), v.maxLength(64))),
  interval: v.optional(v.pipe(v.string(), v.maxLength(32))),
});

/** An alert as written (CO/BO still possible). */
export type RawAlert = v.InferOutput<typeof AlertSchema>;
/**
 * An alert as the bridge acts on it: never CO/BO (those became INTRADAY with legs), with `note` saying
 * so in a plain sentence for the answer.
 */
export type Alert = Omit<RawAlert, 'productType'> & { productType: 'INTRADAY' | 'MARGIN'; note?: string };
export type StrikeSelector = Alert['strikeprice'];
export type ExpirySelector = Alert['expiry'];

export const ALERT_FIELDS = Object.keys(AlertSchema.entries);
