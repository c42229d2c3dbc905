/**
 * parseAlert meets whatever a hostile or careless sender can put in a JSON body. Its contract: return a
 * valid alert or throw InvalidAlertError — nothing else, ever — and never touch Object.prototype.
 */
import fc from 'fast-check';
import { ALERT_FIELDS, type Alert } from '../../../shared/alert/alert.schema';
import { parseAlert } from '../../../shared/alert/parse-alert';
import { InvalidAlertError } from '../../../shared/errors';

const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
const ATTACK_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'then'];

/** JSON text built by hand, so `__proto__` arrives as an own key exactly as JSON.parse gives it to the webhook. */
const objectText = (entries: [string, unknown][]) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`;

const hostileKey = fc.oneof(
  fc.constantFrom(...ATTACK_KEYS, ...ALERT_FIELDS),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ minLength: 60, maxLength: 300 }),
);
/** Numbers the way TradingView placeholders deliver them, and the strings that only look like numbers. */
const numberish = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.integer({ min: -5, max: 200_000 }).map(String),
  fc.constantFrom(' 3 ', '1e3', '0x10', '1_000', 'Infinity', '-Infinity', 'NaN', '', '٣', '３', '1.', '.5', '00', '-0', '1e400', '24500.0', '9'.repeat(400)),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  numberish,
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.constantFrom('ATM', 'atm+99', 'ATM-1', 'buy', 'SELL ', 'ce', 'pe', 'nearest', '2026-02-30', 'NSE:NIFTY', '__proto__'),
  fc.object({ key: fc.constantFrom(...ATTACK_KEYS, 'a', 'polluted') }),
);
const hostileObject = fc.array(fc.tuple(hostileKey, hostileValue), { maxLength: 20 }).map((e) => JSON.parse(objectText(e)) as unknown);

/** A valid alert with some fields replaced by hostile values: exercises the paths past the shape check. */
const mostlyValid = fc
  .record({
    base: fc.constant({ token: 't0ken', symbol: 'NIFTY', action: 'BUY', optionType: 'CE', strikeprice: 24_500, qty: 1 } as Record<string, unknown>),
    changes: fc.array(fc.tuple(fc.constantFrom(...ALERT_FIELDS, ...ATTACK_KEYS), hostileValue), { maxLength: 4 }),
  })
  .map(({ base, changes }) => JSON.parse(objectText([...Object.entries(base), ...changes])) as unknown);

function deep(depth: number, kind: 'array' | 'object' | 'field'): unknown {
  if (kind === 'array') return JSON.parse('['.repeat(depth) + ']'.repeat(depth));
  const nest = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  return JSON.parse(kind === 'object' ? nest : `{"token":"x","symbol":${nest},"action":"BUY","optionType":"CE","strikeprice":24500}`);
}

/** The contract, checked on one input. */
function check(body: unknown): void {
  let alert: Alert;
  try {
    alert = parseAlert(body);
  } catch (e) {
    if (!(e instanceof InvalidAlertError)) throw new Error(`parseAlert threw ${String(e)} for ${JSON.stringify(body)?.slice(0, 200)}`);
    const fields = e.details?.fields as Record<string, string>;
    expect(fields && typeof fields === 'object').toBe(true);
    for (const [k, v] of Object.entries(fields)) {
      expect(k.length).toBeLessThanOrEqual(300);
      expect(typeof v).toBe('string');
    }
    return;
  }
  // Whatever got through is an alert the rest of the pipeline can rely on.
  expect(alert.token.length).toBeGreaterThan(0);
  expect(['BUY', 'SELL']).toContain(alert.action);
  expect(['CE', 'PE']).toContain(alert.optionType);
  const q = alert.qty;
  if (typeof q === 'number') expect(Number.isInteger(q) && q >= 1 && q <= 100_000).toBe(true);
  else expect(Object.values(q).every((n) => Number.isFinite(n) && n > 0)).toBe(true);
  expect(['INTRADAY', 'MARGIN']).toContain(alert.productType);
  expect(['MARKET', 'LIMIT']).toContain(alert.orderType);
  expect(typeof alert.strikeprice === 'number' ? Number.isFinite(alert.strikeprice) && alert.strikeprice > 0 : Number.isInteger(alert.strikeprice.atmOffset)).toBe(true);
  for (const o of [alert.price, alert.sl, alert.tp]) {
    const n = typeof o === 'object' ? o.pct : o;
    if (n !== undefined) expect(Number.isFinite(n) && n > 0).toBe(true);
  }
  expect(Object.getPrototypeOf(alert)).toBe(Object.prototype);
  // `note` is the bridge's own sentence on a CO/BO carried as INTRADAY, never an echo of input.
  expect(Object.keys(alert).every((k) => ALERT_FIELDS.includes(k) || (k === 'note' && typeof alert.note === 'string'))).toBe(true);
}

afterAll(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('parseAlert under arbitrary input', () => {
  it('any JSON value: a valid alert or InvalidAlertError', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => check(v)), { numRuns: 600 });
  });

  it('any object with hostile keys (incl. __proto__, constructor), unicode and numbers as strings', () => {
    fc.assert(fc.property(hostileObject, (v) => check(v)), { numRuns: 800 });
  });

  it('mostly valid alerts with some fields replaced: still only a valid alert or InvalidAlertError', () => {
    let accepted = 0;
    fc.assert(
      fc.property(mostlyValid, (v) => {
        check(v);
        try {
          parseAlert(v);
          accepted++;
        } catch {
          // counted as refused
        }
      }),
      { numRuns: 800 },
    );
    // The generator must reach the accepting path too, or the invariants above were never exercised.
    expect(accepted).toBeGreaterThan(20);
  });

  it('deep nesting (10 000 levels) anywhere is refused as invalid, not a crash', () => {
    for (const kind of ['array', 'object', 'field'] as const) expect(() => parseAlert(deep(10_000, kind))).toThrow(InvalidAlertError);
  });

  it('a __proto__ key is reported as an unknown field and changes no prototype', () => {
    const body = JSON.parse('{"__proto__":{"polluted":true,"token":"x"},"constructor":{"prototype":{"polluted":1}}}') as unknown;
    let error: unknown;
    try {
      parseAlert(body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidAlertError);
    expect(Object.keys((error as InvalidAlertError).details!.fields as object)).toEqual(expect.arrayContaining(['__proto__', 'constructor']));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).token).toBeUndefined();
  });
});
