import type { Instrument } from './instrument';
import type { ParsedSymbolMaster } from './parse-symbol-master';

/**
 * Reads Fyers' JSON symbol master (`NSE_FO_sym_master.json`): one object keyed by ticker, each entry a flat
 * object of ~36 fields. It is the only source of the exchange freeze quantity (`qtyFreeze`).
 *
 * A full file is ~100k entries and tens of MB. JSON.parse would build every entry with all its fields
 * (several hundred MB of objects); this scanner walks the text once and keeps only the fields an
 * Instrument needs, so memory stays near the size of the result. Types in the file are inconsistent
 * (numbers sometimes quoted), so every value is read as text and converted here.
 */

const WANTED = new Set([
  'symTicker', 'fyToken', 'symDetails', 'exInstType', 'minLotSize', 'tickSize', 'tradingSession', 'expiryDate',
  'underSym', 'strikePrice', 'optType', 'qtyFreeze', 'tradeStatus',
]);
const FUTURE_TYPES = new Set([11, 13]);
const OPTION_TYPES = new Set([14, 15]);
const MAX_PROBLEMS = 20;
/** No exchange freezes an F&O order below one lot or above this many units; outside it the cell is misread. */
const MAX_SANE_FREEZE = 10_000_000;

class JsonShapeError extends Error {}

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

function skipSpace(t: string, i: number): number {
  while (i < t.length && isSpace(t.charCodeAt(i))) i++;
  return i;
}

/** End index (exclusive) of the string starting at `i` (a quote). */
function stringEnd(t: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = t.indexOf('"', j);
    if (q < 0) throw new JsonShapeError('unterminated string');
    let back = 0;
    for (let k = q - 1; t.charCodeAt(k) === 92; k--) back++;
    if (back % 2 === 0) return q + 1;
    j = q + 1;
  }
}

function stringValue(t: string, start: number, end: number): string {
  const raw = t.slice(start + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(t.slice(start, end)) as string) : raw;
}

/** End of any value starting at `i`: a string, a nested object/array, or a literal. */
function valueEnd(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c === 34) return stringEnd(t, i);
  if (c === 123 || c === 91) {
    let depth = 0;
    let j = i;
    while (j < t.length) {
      const d = t.charCodeAt(j);
      if (d === 34) { j = stringEnd(t, j); continue; }
      if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) { depth--; if (depth === 0) return j + 1; }
      j++;
    }
    throw new JsonShapeError('unterminated object');
  }
  let j = i;
  while (j < t.length) {
    const d = t.charCodeAt(j);
    if (d === 44 || d === 125 || d === 93 || isSpace(d)) break;
    j++;
  }
  if (j === i) throw new JsonShapeError(`unexpected character at ${i}`);
  return j;
}

/** The wanted fields of one entry object starting at `i` ('{'), as text; returns where the object ends. */
function readEntry(t: string, i: number, out: Map<string, string>): number {
  i = skipSpace(t, i + 1);
  if (t.charCodeAt(i) === 125) return i + 1;
  for (;;) {
    if (t.charCodeAt(i) !== 34) throw new JsonShapeError(`expected a field name at ${i}`);
    const kEnd = stringEnd(t, i);
    const key = t.slice(i + 1, kEnd - 1);
    i = skipSpace(t, kEnd);
    if (t.charCodeAt(i) !== 58) throw new JsonShapeError(`expected ':' at ${i}`);
    i = skipSpace(t, i + 1);
    const vEnd = valueEnd(t, i);
    if (WANTED.has(key)) out.set(key, t.charCodeAt(i) === 34 ? stringValue(t, i, vEnd) : t.slice(i, vEnd));
    i = skipSpace(t, vEnd);
    const c = t.charCodeAt(i);
    if (c === 44) { i = skipSpace(t, i + 1); continue; }
    if (c === 125) return i + 1;
    throw new JsonShapeError(`expected ',' or '}' at ${i}`);
  }
}

const num = (s: string | undefined): number => (s === undefined || s.trim() === '' || s === 'null' ? Number.NaN : Number(s));

/** A kept contract (with the qtyFreeze cell when it was present but implausible), or why the entry was not kept. */
type RowResult = { inst: Instrument; badFreeze?: string } | 'out-of-scope' | string;

function toInstrument(key: string, f: Map<string, string>, intern: (s: string) => string): RowResult {
  const instrumentType = num(f.get('exInstType'));
  const isFuture = FUTURE_TYPES.has(instrumentType);
  if (!isFuture && !OPTION_TYPES.has(instrumentType)) return 'out-of-scope';
  const ticker = (f.get('symTicker') ?? key).trim();
  const exchange = ticker.startsWith('NSE:') ? 'NSE' : ticker.startsWith('BSE:') ? 'BSE' : undefined;
  if (!exchange) return `ticker "${ticker}" has no NSE:/BSE: prefix`;
  const underlying = (f.get('underSym') ?? '').trim().toUpperCase();
  if (!underlying) return `${ticker}: no underlying symbol`;
  const lotSize = num(f.get('minLotSize'));
  const tickSize = num(f.get('tickSize'));
  const expiry = num(f.get('expiryDate'));
  if (!Number.isFinite(lotSize)) return `${ticker}: lot size "${f.get('minLotSize')}" is not a number`;
  if (!Number.isFinite(tickSize)) return `${ticker}: tick size "${f.get('tickSize')}" is not a number`;
  if (!Number.isInteger(expiry) || expiry <= 0) return `${ticker}: expiry "${f.get('expiryDate')}" is not epoch seconds`;
  let optionType: Instrument['optionType'] = 'XX';
  let strike = -1;
  if (!isFuture) {
    const t = (f.get('optType') ?? '').trim().toUpperCase();
    if (t !== 'CE' && t !== 'PE') return `${ticker}: option type "${t}" is not CE or PE`;
    optionType = t;
    strike = num(f.get('strikePrice'));
    if (!(Number.isFinite(strike) && strike > 0)) return `${ticker}: strike "${f.get('strikePrice')}" is not a positive number`;
  }
  // qtyFreeze is "" where the exchange sets none; a value outside one lot..10M units is a misread cell,
  // judged for this row alone: the contract stays, without a freeze quantity (the fallback applies).
  const freezeCell = (f.get('qtyFreeze') ?? '').trim();
  const freeze = num(freezeCell);
  const saneFreeze = Number.isInteger(freeze) && freeze >= lotSize && freeze <= MAX_SANE_FREEZE;
  const session = (f.get('tradingSession') ?? '').trim();
  const inst: Instrument = {
    ticker,
    fyToken: (f.get('fyToken') ?? '').trim(),
    description: (f.get('symDetails') ?? '').trim(),
    underlying: intern(underlying),
    exchange,
    instrumentType,
    lotSize,
    tickSize,
    expiry,
    strike,
    optionType,
    ...(session ? { session: intern(session) } : {}),
    ...(saneFreeze ? { freezeQty: freeze } : {}),
  };
  return freezeCell && !saneFreeze ? { inst, badFreeze: freezeCell } : { inst };
}

/**
 * One native regex pass over the text, matching only the wanted fields and the start of each entry
 * (`"<ticker>":{`); everything else is skipped by the regex engine instead of a JavaScript loop. Valid for
 * text without escapes and with flat entries, which is what Fyers publishes; the result is checked per
 * entry (its symTicker must equal its key, as in every real file), and text with escapes takes the careful
 * scanner instead.
 */
const FAST = new RegExp(
  `[,{]\\s*"(?:(${[...WANTED].join('|')})"\\s*:\\s*(?:"([^"]*)"|([^,}\\s]*))|([A-Z]+:[^"]*)"\\s*:\\s*(?=\\{))`,
  'g',
);

function* fastEntries(text: string): Generator<[string, Map<string, string>]> {
  let key: string | undefined;
  const fields = new Map<string, string>();
  FAST.lastIndex = 0;
  for (let m = FAST.exec(text); m; m = FAST.exec(text)) {
    if (m[4] !== undefined) {
      if (key !== undefined) yield [key, fields];
      key = m[4];
      fields.clear();
    } else if (key !== undefined) {
      fields.set(m[1]!, m[2] ?? m[3]!);
    }
  }
  if (key !== undefined) yield [key, fields];
}

export interface ParsedJsonMaster extends ParsedSymbolMaster {
  /** Kept contracts whose qtyFreeze was present but implausible (they carry no freeze quantity). */
  implausibleFreeze: number;
}

/**
 * Parses the JSON master into the same instruments the CSV gives, plus `freezeQty`. A file that is not a
 * JSON object of objects yields one problem and no instruments; a bad entry is counted and described.
 */
export function parseJsonSymbolMaster(text: string): ParsedJsonMaster {
  const instruments: Instrument[] = [];
  const problems: string[] = [];
  const seen = new Map<string, string>();
  const intern = (s: string) => seen.get(s) ?? (seen.set(s, s), s);
  let rows = 0;
  let skipped = 0;
  let malformed = 0;
  let implausibleFreeze = 0;
  const take = (key: string, result: RowResult) => {
    rows++;
    if (typeof result === 'object') {
      const { inst, badFreeze } = result;
      if (badFreeze !== undefined) {
        implausibleFreeze++;
        if (problems.length < MAX_PROBLEMS) problems.push(`${inst.ticker}: qtyFreeze "${badFreeze}" is not a whole number of units from one lot (${inst.lotSize}) up; ignored for this contract`);
      }
      instruments.push(inst);
      return;
    }
    skipped++;
    if (result === 'out-of-scope') return;
    malformed++;
    if (problems.length < MAX_PROBLEMS) problems.push(`entry ${rows} (${key}): ${result}`);
  };
  const start = skipSpace(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  const end = text.trimEnd().length - 1;
  if (text.charCodeAt(start) !== 123 || text.charCodeAt(end) !== 125) {
    return { instruments: [], rows: 0, skipped: 0, problems: ['not a Fyers JSON symbol master: not a JSON object'], implausibleFreeze };
  }
  if (!text.includes('\\')) {
    for (const [key, fields] of fastEntries(text)) {
      const ticker = fields.get('symTicker');
      take(key, ticker !== undefined && ticker !== key ? `symTicker "${ticker}" differs from its key` : toInstrument(key, fields, intern));
    }
  } else {
    const fields = new Map<string, string>();
    try {
      let i = skipSpace(text, start + 1);
      if (text.charCodeAt(i) !== 125) {
        for (;;) {
          if (text.charCodeAt(i) !== 34) throw new JsonShapeError(`expected a ticker key at ${i}`);
          const kEnd = stringEnd(text, i);
          const key = stringValue(text, i, kEnd);
          i = skipSpace(text, kEnd);
          if (text.charCodeAt(i) !== 58) throw new JsonShapeError(`expected ':' at ${i}`);
          i = skipSpace(text, i + 1);
          if (text.charCodeAt(i) === 123) {
            fields.clear();
            i = readEntry(text, i, fields);
            take(key, toInstrument(key, fields, intern));
          } else {
            i = valueEnd(text, i);
            take(key, `${key}: entry is not an object`);
          }
          i = skipSpace(text, i);
          const c = text.charCodeAt(i);
          if (c === 44) { i = skipSpace(text, i + 1); continue; }
          if (c === 125) break;
          throw new JsonShapeError(`expected ',' or '}' at ${i}`);
        }
      }
    } catch (e) {
      if (!(e instanceof JsonShapeError)) throw e;
      return { instruments: [], rows, skipped: rows, problems: [`not a Fyers JSON symbol master: ${e.message}`], implausibleFreeze };
    }
  }
  if (malformed > MAX_PROBLEMS) problems.push(`…and ${malformed - MAX_PROBLEMS} more malformed entries`);
  return { instruments, rows, skipped, problems, implausibleFreeze };
}

/**
 * The CSV's contracts with the freeze quantities the JSON master states for the same tickers. The CSV stays
 * the source of every other field; a ticker missing from the JSON keeps no freeze quantity.
 */
export function withFreezeQuantities(instruments: readonly Instrument[], fromJson: readonly Instrument[]): { instruments: Instrument[]; matched: number } {
  const freeze = new Map<string, number>();
  for (const j of fromJson) if (j.freezeQty !== undefined) freeze.set(j.ticker, j.freezeQty);
  let matched = 0;
  const out = instruments.map((inst) => {
    const q = freeze.get(inst.ticker);
    if (q === undefined) return inst;
    matched++;
    return { ...inst, freezeQty: q };
  });
  return { instruments: out, matched };
}
