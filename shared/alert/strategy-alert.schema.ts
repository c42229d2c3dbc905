import * as v from 'valibot';
import { InvalidAlertError } from '../errors';
import { isPct, type Offset } from './offset';
import { ExpirySchema, PointsSchema, QtySchema, StrikeSchema, SymbolSchema } from './alert.schema';
import type { ProtectionMode } from './protection';
import type { FieldErrors } from './parse-alert';

/**
 * Alerts that move a strategy rather than place one order: a desired `position`, a multi-leg
 * structure (`legs`), or `intent: "flatten"`. Same conventions as the single-order contract: strings
 * for numbers, enums in any case, unknown fields refused by name.
 */
const upper = <const T extends readonly [string, ...string[]]>(values: T, message: string) =>
  v.pipe(v.string(message), v.trim(), v.toUpperCase(), v.picklist(values, message));
const lower = <const T extends readonly [string, ...string[]]>(values: T, message: string) =>
  v.pipe(v.string(message), v.trim(), v.toLowerCase(), v.picklist(values, message));

export const MAX_LEGS = 10;

/** `"CE"` (buy a call), `"BUY PE"`, `"SELL CE"` (write a call: only when spelled out). */
const SideSchema = v.pipe(
  v.string('must be CE, PE, BUY CE, BUY PE, SELL CE or SELL PE'),
  v.trim(),
  v.toUpperCase(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const m = /^(?:(BUY|SELL)\s+)?(CE|PE)$/.exec(dataset.value.replace(/\s+/g, ' '));
    if (!m) {
      addIssue({ message: 'must be CE, PE, BUY CE, BUY PE, SELL CE or SELL PE' });
      return NEVER;
    }
    return { side: (m[1] ?? 'BUY') as 'BUY' | 'SELL', optionType: m[2] as 'CE' | 'PE' };
  }),
);

const LegSchema = v.strictObject({
  optionType: upper(['CE', 'PE'], 'must be CE or PE'),
  strike: StrikeSchema,
  action: upper(['BUY', 'SELL'], 'must be BUY or SELL'),
  ratio: v.optional(
    v.pipe(
      v.union([v.number(), v.pipe(v.string(), v.trim(), v.regex(/^\d+$/))], 'must be a whole number of lots per unit of qty'),
      v.transform(Number),
      v.integer('must be a whole number'),
      v.minValue(1, 'must be at least 1'),
      v.maxValue(50, 'must be at most 50'),
    ),
    1,
  ),
  expiry: v.optional(ExpirySchema),
  /** This leg's own stop and target, where legs differ; else the alert's. */
  sl: v.optional(PointsSchema),
  tp: v.optional(PointsSchema),
});

export const StrategyAlertSchema = v.strictObject({
  token: v.pipe(v.string('is required'), v.minLength(1, 'is required'), v.maxLength(256, 'is too long')),
  symbol: v.optional(SymbolSchema),
  strategy: v.optional(v.pipe(v.string('must be a strategy id'), v.trim(), v.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits or _ . -'))),
  position: v.optional(lower(['long', 'short', 'flat'], 'must be long, short or flat')),
  mapping: v.optional(v.strictObject({ long: v.optional(SideSchema), short: v.optional(SideSchema) })),
  legs: v.optional(v.pipe(v.array(LegSchema, 'must be a list of legs'), v.minLength(1, 'needs at least one leg'), v.maxLength(MAX_LEGS, `takes at most ${MAX_LEGS} legs`))),
  intent: v.optional(lower(['open', 'close', 'flatten'], 'must be open, close or flatten'), 'open'),
  strikeprice: v.optional(StrikeSchema, 'ATM'),
  expiry: v.optional(ExpirySchema, 'nearest'),
  qty: v.optional(QtySchema, 1),
  /** Stop and target in points or percent from the entry, for what the alert opens (every leg that names none). */
  sl: v.optional(PointsSchema),
  tp: v.optional(PointsSchema),
  /** A trailing stop for what the alert opens (PROTECTION=managed), in points or percent. */
  trail: v.optional(PointsSchema),
  productType: v.optional(upper(['INTRADAY', 'MARGIN'], 'must be INTRADAY or MARGIN (Fyers retired CO and BO; sl/tp give the same protection)'), 'INTRADAY'),
  idempotency_key: v.optional(v.pipe(v.string('must be a string'), v.trim(), v.regex(/^[A-Za-z0-9_.:{}\-]{1,128}$/, 'must be 1-128 letters, digits or _ . : - characters'))),
  comment: v.optional(v.pipe(v.string(), v.maxLength(500))),
  time: v.optional(v.pipe(v.string(), v.maxLength(64))),
  timenow: v.optional(v.pipe(v.string(), v.maxLength(64))),
  interval: v.optional(v.pipe(v.string(), v.maxLength(32))),
});

export type StrategyAlert = v.InferOutput<typeof StrategyAlertSchema>;
export type StrategyLeg = StrategyAlert['legs'] extends (infer L)[] | undefined ? L : never;
export type PositionSide = { side: 'BUY' | 'SELL'; optionType: 'CE' | 'PE' };

/** Long buys calls and short buys puts unless the alert maps a side to writing explicitly. */
export const DEFAULT_MAPPING: Record<'long' | 'short', PositionSide> = {
  long: { side: 'BUY', optionType: 'CE' },
  short: { side: 'BUY', optionType: 'PE' },
};

/** A body is a strategy alert when it speaks of a position, legs or a flatten; anything else is a single order. */
export function isStrategyAlert(body: unknown): boolean {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const b = body as Record<string, unknown>;
  return 'position' in b || 'legs' in b || (typeof b.intent === 'string' && b.intent.trim().toLowerCase() === 'flatten');
}

export function parseStrategyAlert(body: unknown, opts: { protection?: ProtectionMode } = {}): StrategyAlert {
  const errors: FieldErrors = Object.create(null) as FieldErrors;
  const result = v.safeParse(StrategyAlertSchema, body);
  if (!result.success) {
    for (const issue of result.issues) {
      const path = v.getDotPath(issue) ?? 'body';
      errors[path.slice(0, 64)] ??= issue.type === 'strict_object' ? 'is not a known field' : issue.message;
    }
    throw new InvalidAlertError('The alert is invalid', { fields: errors });
  }
  const a = result.output;
  const modes = [a.position !== undefined, a.legs !== undefined, a.intent === 'flatten'].filter(Boolean).length;
  if (modes > 1) errors.body = 'use one of position, legs or intent "flatten" per alert';
  if (a.intent === 'flatten') {
    if (!a.strategy && !a.symbol) errors.strategy = 'flatten needs a strategy, a symbol (underlying), or both';
  } else {
    if (!a.strategy) errors.strategy = 'is required: holdings are tracked per strategy';
    if (!a.symbol) errors.symbol = 'is required';
  }
  if (a.position !== undefined && a.intent !== 'open') errors.intent = 'is not used with position (the position says what to hold)';
  if (a.legs === undefined && a.mapping !== undefined && a.position === undefined) errors.mapping = 'is only used with position';
  if (a.legs !== undefined && typeof a.qty !== 'number') errors.qty = 'must be whole lots for legs (each leg takes qty x its ratio)';
  protectionRefusals(a, opts.protection ?? 'managed', errors);
  if (Object.keys(errors).length > 0) throw new InvalidAlertError('The alert is invalid', { fields: errors });
  return a;
}

/**
 * Stops and targets protect what an alert opens, in the same units and under the same PROTECTION modes
 * as a single order: `managed` (the bridge's own exits) or `legs` (Fyers' TP/SL legs). A close or a
 * flatten opens nothing, so a stop there would protect nothing and is refused by name.
 */
function protectionRefusals(a: StrategyAlert, mode: ProtectionMode, errors: FieldErrors): void {
  const asked: Array<[string, unknown]> = [['sl', a.sl], ['tp', a.tp], ['trail', a.trail], ...(a.legs ?? []).flatMap((l, i): Array<[string, unknown]> => [[`legs.${i}.sl`, l.sl], [`legs.${i}.tp`, l.tp]])];
  if (a.trail !== undefined && mode !== 'managed') errors.trail = 'needs PROTECTION=managed: Fyers TP/SL legs do not trail, the bridge moves the stop itself';
  if (mode === 'legs') {
    const pairs: Array<[string, Offset | undefined, Offset | undefined]> = [['tp', a.sl, a.tp], ...(a.legs ?? []).map((l, i): [string, Offset | undefined, Offset | undefined] => [`legs.${i}.tp`, l.sl ?? a.sl, l.tp ?? a.tp])];
    for (const [field, sl, tp] of pairs) {
      if (sl !== undefined && tp !== undefined && isPct(sl) !== isPct(tp)) errors[field] = 'must be in the same unit as sl (both points or both percent) to go as Fyers TP/SL legs';
    }
  }
  const opens = (a.position !== undefined && a.position !== 'flat') || (a.legs !== undefined && a.intent === 'open');
  for (const [field, value] of asked) {
    if (value === undefined) continue;
    if (!opens) errors[field] = 'is only used when the alert opens a position (position long/short, or legs with intent open)';
    else if (mode !== 'managed' && mode !== 'legs') errors[field] = `is not accepted here: PROTECTION=${mode} does not protect strategy positions (use managed or legs)`;
  }
}
