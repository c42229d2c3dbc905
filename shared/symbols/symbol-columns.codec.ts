import { promisify } from 'node:util';
import { gunzip, gunzipSync, gzipSync } from 'node:zlib';
import { DependencyUnavailableError } from '../errors';
import type { Instrument, SymbolIndex } from './instrument';
import { runNow, runPaced, type Steps } from './stepwise';
import { buildSymbolIndex, buildSymbolIndexSteps } from './symbol-index';

/**
 * The columnar payload: a list of contracts as gzipped JSON. It was the whole stored index up to format 2,
 * and is now one section of it (symbol-index.codec.ts): each underlying's contracts are one such payload.
 * Bump it whenever the payload shape changes: a webhook instance running older code must refuse a newer
 * one loudly (and keep its current index) rather than trade on a misread one.
 */
export const COLUMNS_FORMAT = 'fyers-symbol-index/2';

export interface SymbolIndexMeta {
  builtAt: number;
  sources: string[];
}

/**
 * Columnar layout: one array per field, with the highly repetitive text fields (underlying, exchange,
 * option type) stored as indexes into a small dictionary. Gzip then squeezes ~100k contracts to a few MB
 * or less, and decoding is a single JSON.parse plus a tight loop.
 */
interface Payload {
  format: string;
  builtAt: number;
  sources: string[];
  count: number;
  dict: string[];
  ticker: string[];
  fyToken: string[];
  description: string[];
  underlying: number[];
  exchange: number[];
  instrumentType: number[];
  lotSize: number[];
  tickSize: number[];
  expiry: number[];
  strike: number[];
  optionType: number[];
  /** Dictionary reference of master column 6, -1 when the row had none. */
  session: number[];
  /** Units from the JSON master's qtyFreeze, 0 when it gave none. */
  freezeQty: number[];
}

const COLUMNS = ['ticker', 'fyToken', 'description', 'underlying', 'exchange', 'instrumentType', 'lotSize', 'tickSize', 'expiry', 'strike', 'optionType', 'session', 'freezeQty'] as const;

export function encodeColumns(instruments: readonly Instrument[], meta: SymbolIndexMeta): Buffer {
  const dict: string[] = [];
  const dictIndex = new Map<string, number>();
  const ref = (s: string) => {
    let i = dictIndex.get(s);
    if (i === undefined) {
      i = dict.push(s) - 1;
      dictIndex.set(s, i);
    }
    return i;
  };
  const p: Payload = {
    format: COLUMNS_FORMAT, builtAt: meta.builtAt, sources: meta.sources, count: instruments.length, dict,
    ticker: [], fyToken: [], description: [], underlying: [], exchange: [], instrumentType: [], lotSize: [], tickSize: [], expiry: [], strike: [], optionType: [], session: [], freezeQty: [],
  };
  for (const inst of instruments) {
    p.ticker.push(inst.ticker);
    p.fyToken.push(inst.fyToken);
    p.description.push(inst.description);
    p.underlying.push(ref(inst.underlying));
    p.exchange.push(ref(inst.exchange));
    p.instrumentType.push(inst.instrumentType);
    p.lotSize.push(inst.lotSize);
    p.tickSize.push(inst.tickSize);
    p.expiry.push(inst.expiry);
    p.strike.push(inst.strike);
    p.optionType.push(ref(inst.optionType));
    p.session.push(inst.session ? ref(inst.session) : -1);
    p.freezeQty.push(inst.freezeQty ?? 0);
  }
  return gzipSync(JSON.stringify(p));
}

export const corrupt = (why: string, details?: Record<string, unknown>) =>
  new DependencyUnavailableError(`The stored symbol index is unreadable: ${why}`, details);

const unreadable = (e: unknown) => new DependencyUnavailableError('The stored symbol index is unreadable: not gzip-compressed JSON', undefined, { cause: e });

/** Payload bytes parsed between two pauses (well under a millisecond of JSON.parse). */
const PIECE_BYTES = 64 * 1024;
/** Contracts made between two pauses. */
const ROWS_PER_STEP = 2_000;

const ascii = (s: string) => Buffer.from(s, 'latin1');
const COLUMN_STARTS = COLUMNS.map((c) => ascii(`,"${c}":[`));
const STRING_SEPARATOR = ascii('","');
const COMMA = 0x2c;
const QUOTE = 0x22;

/**
 * The payload's JSON (gunzipped bytes), parsed in pieces. JSON.stringify writes the keys in the order
 * of Payload, so each column's array starts at `,"<column>":[`, and inside an array an element ends at
 * `","` (strings) or `,` (numbers): neither can occur inside a JSON string, where every quote is
 * escaped, and UTF-8 never uses an ASCII byte inside a longer character, so every piece cut there is a
 * valid array of its own. The bytes are never made into one 11 MB string (that alone blocked for
 * 40-50 ms). Anything not laid out that way is parsed whole (one block, same result).
 */
function* parsePayload(json: Buffer): Steps<Payload> {
  const whole = (): Payload => {
    try {
      return JSON.parse(json.toString('utf8')) as Payload;
    } catch (e) {
      throw unreadable(e);
    }
  };
  const starts: number[] = [];
  let from = 0;
  for (const marker of COLUMN_STARTS) {
    const at = json.indexOf(marker, from);
    if (at < 0) return whole();
    starts.push(at);
    from = at + 1;
  }
  if (json.length < 2 || json[json.length - 2] !== 0x5d || json[json.length - 1] !== 0x7d) return whole(); // `]}`
  let p: Payload;
  try {
    p = JSON.parse(`${json.toString('utf8', 0, starts[0])}}`) as Payload;
  } catch {
    return whole();
  }
  // Checked before the bulk is read: a blob of another format is refused without parsing its columns.
  if (typeof p !== 'object' || p === null || p.format !== COLUMNS_FORMAT) return p;
  yield;
  for (let i = 0; i < COLUMNS.length; i++) {
    const open = starts[i]! + COLUMN_STARTS[i]!.length - 1; // the column's `[`
    const close = i + 1 < COLUMNS.length ? starts[i + 1]! - 1 : json.length - 2; // its `]`
    const strings = json[open + 1] === QUOTE;
    const values: unknown[] = Number.isInteger(p.count) && p.count >= 0 ? new Array<unknown>(p.count) : [];
    let filled = 0;
    let at = open + 1;
    while (at < close) {
      const found = at + PIECE_BYTES < close ? (strings ? json.indexOf(STRING_SEPARATOR, at + PIECE_BYTES) : json.indexOf(COMMA, at + PIECE_BYTES)) : -1;
      // The comma itself: for strings, one past the closing quote that was found.
      let cut = found < 0 ? close : strings ? found + 1 : found;
      if (cut > close) cut = close;
      let piece: unknown[];
      try {
        piece = JSON.parse(`[${json.toString('utf8', at, cut)}]`) as unknown[];
      } catch {
        return whole();
      }
      for (const v of piece) values[filled++] = v;
      at = cut + 1;
      yield;
    }
    // More or fewer entries than `count` are found by the column check, as when parsed whole.
    values.length = filled;
    (p as unknown as Record<string, unknown[]>)[COLUMNS[i]!] = values;
  }
  return p;
}

/** The contracts and metadata inside a stored index (gunzipped), checked for shape, in steps. */
function* payloadSteps(json: Buffer): Steps<{ instruments: Instrument[]; meta: SymbolIndexMeta }> {
  const p = yield* parsePayload(json);
  if (typeof p !== 'object' || p === null) throw corrupt('not an object');
  if (p.format !== COLUMNS_FORMAT) {
    throw corrupt(`format is "${String(p.format)}" but this build reads "${COLUMNS_FORMAT}"; rebuild the index with the deployed code`, {
      expected: COLUMNS_FORMAT, found: p.format,
    });
  }
  const n = p.count;
  if (!Number.isInteger(n) || n < 0) throw corrupt('count is missing');
  for (const c of COLUMNS) {
    if (!Array.isArray(p[c]) || p[c].length !== n) throw corrupt(`column ${c} does not have ${n} entries`);
  }
  const word = (i: number) => {
    const s = p.dict[i];
    if (s === undefined) throw corrupt(`dictionary reference ${i} is out of range`);
    return s;
  };
  const instruments: Instrument[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (i > 0 && i % ROWS_PER_STEP === 0) yield;
    const session = p.session[i]!;
    const freezeQty = p.freezeQty[i]!;
    const inst: { -readonly [K in keyof Instrument]: Instrument[K] } = {
      ticker: p.ticker[i]!,
      fyToken: p.fyToken[i]!,
      description: p.description[i]!,
      underlying: word(p.underlying[i]!),
      exchange: word(p.exchange[i]!) as Instrument['exchange'],
      instrumentType: p.instrumentType[i]!,
      lotSize: p.lotSize[i]!,
      tickSize: p.tickSize[i]!,
      expiry: p.expiry[i]!,
      strike: p.strike[i]!,
      optionType: word(p.optionType[i]!) as Instrument['optionType'],
    };
    // Set, not spread: two throwaway objects per contract were most of a swap's garbage.
    if (session >= 0) inst.session = word(session);
    if (freezeQty > 0) inst.freezeQty = freezeQty;
    instruments[i] = inst;
  }
  return { instruments, meta: { builtAt: p.builtAt, sources: p.sources ?? [] } };
}

function gunzipped(data: Buffer): Buffer {
  try {
    return gunzipSync(data);
  } catch (e) {
    throw unreadable(e);
  }
}

/** The contracts and metadata inside a columnar payload, checked for shape. */
export function decodeColumns(data: Buffer): { instruments: Instrument[]; meta: SymbolIndexMeta } {
  return runNow(payloadSteps(gunzipped(data)));
}

export const described = (source: string, meta: SymbolIndexMeta) => ({ source: meta.sources.length ? `${source} built from ${meta.sources.join(', ')}` : source, builtAt: meta.builtAt });

/** A whole index stored as one columnar payload (format 2), decoded at once. */
export function decodeColumnsIndex(data: Buffer, version: string, source: string): SymbolIndex {
  const { instruments, meta } = decodeColumns(data);
  return buildSymbolIndex(instruments, version, described(source, meta));
}

const gunzipAsync = promisify(gunzip);

/**
 * decodeColumnsIndex for an instance that is serving alerts meanwhile: the gunzip runs off the main
 * thread, and parsing, checking and indexing go in steps with `pace()` awaited between them, so no
 * alert waits for more than one step (measured before: one 300-600 ms block per swap).
 */
export async function decodeColumnsIndexPaced(data: Buffer, version: string, source: string, pace: () => Promise<void>): Promise<SymbolIndex> {
  let json: Buffer;
  try {
    json = await gunzipAsync(data);
  } catch (e) {
    throw unreadable(e);
  }
  return runPaced(
    (function* () {
      const { instruments, meta } = yield* payloadSteps(json);
      return yield* buildSymbolIndexSteps(instruments, version, described(source, meta));
    })(),
    pace,
  );
}
