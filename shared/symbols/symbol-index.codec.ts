import { gunzipSync, gzipSync } from 'node:zlib';
import { DependencyUnavailableError } from '../errors';
import type { Instrument, SymbolIndex } from './instrument';
import { buildSymbolIndex } from './symbol-index';

/**
 * Stored-index format. Bump it whenever the payload shape changes: a webhook instance running older code must
 * refuse a newer blob loudly (and keep its current index) rather than trade on a misread one.
 */
export const SYMBOL_INDEX_FORMAT = 'fyers-symbol-index/2';

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

export function encodeSymbolIndex(instruments: readonly Instrument[], meta: SymbolIndexMeta): Buffer {
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
    format: SYMBOL_INDEX_FORMAT, builtAt: meta.builtAt, sources: meta.sources, count: instruments.length, dict,
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

const corrupt = (why: string, details?: Record<string, unknown>) =>
  new DependencyUnavailableError(`The stored symbol index is unreadable: ${why}`, details);

/** The contracts and metadata inside a stored index, checked for shape. */
export function decodeSymbolIndexPayload(data: Buffer): { instruments: Instrument[]; meta: SymbolIndexMeta } {
  let p: Payload;
  try {
    p = JSON.parse(gunzipSync(data).toString('utf8')) as Payload;
  } catch (e) {
    throw new DependencyUnavailableError('The stored symbol index is unreadable: not gzip-compressed JSON', undefined, { cause: e });
  }
  if (typeof p !== 'object' || p === null) throw corrupt('not an object');
  if (p.format !== SYMBOL_INDEX_FORMAT) {
    throw corrupt(`format is "${String(p.format)}" but this build reads "${SYMBOL_INDEX_FORMAT}"; rebuild the index with the deployed code`, {
      expected: SYMBOL_INDEX_FORMAT, found: p.format,
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
    const session = p.session[i]!;
    const freezeQty = p.freezeQty[i]!;
    instruments[i] = {
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
      ...(session >= 0 ? { session: word(session) } : {}),
      ...(freezeQty > 0 ? { freezeQty } : {}),
    };
  }
  return { instruments, meta: { builtAt: p.builtAt, sources: p.sources ?? [] } };
}

export function decodeSymbolIndex(data: Buffer, version: string, source = 'stored index'): SymbolIndex {
  const { instruments, meta } = decodeSymbolIndexPayload(data);
  return buildSymbolIndex(instruments, version, { source: meta.sources.length ? `${source} built from ${meta.sources.join(', ')}` : source, builtAt: meta.builtAt });
}
