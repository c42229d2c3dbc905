import { createHash } from 'node:crypto';
import type { Exchange, Instrument, SymbolIndex } from './instrument';
import { sectionedSymbolIndex } from './sectioned-symbol-index';
import { runNow } from './stepwise';
import { corrupt, decodeColumns, decodeColumnsIndex, decodeColumnsIndexPaced, described, encodeColumns, type SymbolIndexMeta } from './symbol-columns.codec';
import { commonSessionCells } from './symbol-index';
import { sessionsFromCells } from './trading-session';

export type { SymbolIndexMeta } from './symbol-columns.codec';

/**
 * Stored-index format. Bump it whenever the layout changes: a webhook instance running older code must
 * refuse a newer blob loudly (and keep its current index) rather than trade on a misread one. Format 2
 * (one columnar payload for the whole master) is still read, so instances deployed before the refresh
 * job republishes keep trading.
 */
export const SYMBOL_INDEX_FORMAT = 'fyers-symbol-index/3';

/**
 * Layout: MAGIC, the header's length (uint32, big-endian), the header (JSON), then one gzipped columnar
 * payload (symbol-columns.codec.ts) per underlying, in the header's order. The header carries what a
 * query needs before any section is opened (underlyings, count, sessions, stray tickers) and a SHA-256
 * of the sections, checked at load: a damaged blob is refused whole, as before, and never found out
 * section by section while alerts arrive.
 */
const MAGIC = Buffer.from('FYSIDX\n', 'latin1');

interface Header {
  format: string;
  builtAt: number;
  sources: string[];
  count: number;
  /** The session cell most rows of each exchange state. */
  sessions: Partial<Record<Exchange, string>>;
  strays: Record<string, string>;
  sha256: string;
  /** [underlying, byte length], in the order the sections follow the header. */
  sections: [string, number][];
}

const symbolOf = (ticker: string) => ticker.slice(ticker.indexOf(':') + 1);

export function encodeSymbolIndex(instruments: readonly Instrument[], meta: SymbolIndexMeta): Buffer {
  // A ticker seen twice keeps its first row, as buildSymbolIndex does with the whole list.
  const seen = new Set<string>();
  const byUnderlying = new Map<string, Instrument[]>();
  const strays: Record<string, string> = {};
  for (const inst of instruments) {
    if (seen.has(inst.ticker)) continue;
    seen.add(inst.ticker);
    let list = byUnderlying.get(inst.underlying);
    if (!list) byUnderlying.set(inst.underlying, (list = []));
    list.push(inst);
    if (!symbolOf(inst.ticker).startsWith(inst.underlying)) strays[inst.ticker] = inst.underlying;
  }
  const bodies = [...byUnderlying.values()].map((list) => encodeColumns(list, { builtAt: meta.builtAt, sources: [] }));
  const hash = createHash('sha256');
  for (const b of bodies) hash.update(b);
  const header: Header = {
    format: SYMBOL_INDEX_FORMAT,
    builtAt: meta.builtAt,
    sources: meta.sources,
    count: seen.size,
    sessions: Object.fromEntries(runNow(commonSessionCells(instruments))),
    strays,
    sha256: hash.digest('hex'),
    sections: [...byUnderlying.keys()].map((u, i) => [u, bodies[i]!.length]),
  };
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(head.length);
  return Buffer.concat([MAGIC, length, head, ...bodies]);
}

const isSectioned = (data: Buffer) => data.length >= MAGIC.length + 4 && data.subarray(0, MAGIC.length).equals(MAGIC);

/** The header and the sections' bytes of a format-3 blob, checked whole. */
function openSections(data: Buffer): { header: Header; bodies: Map<string, Buffer> } {
  const headLength = data.readUInt32BE(MAGIC.length);
  const start = MAGIC.length + 4;
  if (start + headLength > data.length) throw corrupt('the header runs past the end');
  let header: Header;
  try {
    header = JSON.parse(data.toString('utf8', start, start + headLength)) as Header;
  } catch {
    throw corrupt('the header is not JSON');
  }
  if (typeof header !== 'object' || header === null) throw corrupt('the header is not an object');
  if (header.format !== SYMBOL_INDEX_FORMAT) {
    throw corrupt(`format is "${String(header.format)}" but this build reads "${SYMBOL_INDEX_FORMAT}"; rebuild the index with the deployed code`, {
      expected: SYMBOL_INDEX_FORMAT, found: header.format,
    });
  }
  if (!Number.isInteger(header.count) || header.count < 0) throw corrupt('count is missing');
  if (!Array.isArray(header.sections) || typeof header.strays !== 'object' || header.strays === null || typeof header.sessions !== 'object' || header.sessions === null) {
    throw corrupt('the header lacks sections, strays or sessions');
  }
  const bodies = new Map<string, Buffer>();
  let at = start + headLength;
  for (const entry of header.sections) {
    const [underlying, length] = Array.isArray(entry) ? entry : [];
    if (typeof underlying !== 'string' || !Number.isInteger(length) || length! < 0 || at + length! > data.length) throw corrupt('a section does not fit the blob');
    bodies.set(underlying, data.subarray(at, at + length!));
    at += length!;
  }
  if (at !== data.length) throw corrupt('bytes follow the last section');
  const hash = createHash('sha256');
  for (const body of bodies.values()) hash.update(body);
  if (hash.digest('hex') !== header.sha256) throw corrupt('the sections do not match their checksum');
  return { header, bodies };
}

function sectionedIndex(data: Buffer, version: string, source: string): SymbolIndex {
  const { header, bodies } = openSections(data);
  return sectionedSymbolIndex({
    version,
    meta: described(source, { builtAt: header.builtAt, sources: header.sources ?? [] }),
    instrumentCount: header.count,
    sections: [...bodies].map(([underlying, body]) => ({ underlying, decode: () => decodeColumns(body).instruments })),
    strays: new Map(Object.entries(header.strays)),
    sessions: sessionsFromCells(header.sessions),
  });
}

/** A stored index, ready for queries: a format-3 blob opens its header only; format 2 is decoded whole. */
export function decodeSymbolIndex(data: Buffer, version: string, source = 'stored index'): SymbolIndex {
  return isSectioned(data) ? sectionedIndex(data, version, source) : decodeColumnsIndex(data, version, source);
}

/**
 * decodeSymbolIndex for an instance serving alerts meanwhile. A format-3 blob opens in one short step
 * (a checksum and a header); a format-2 one is decoded in paced steps (symbol-columns.codec.ts).
 */
export async function decodeSymbolIndexPaced(data: Buffer, version: string, source: string, pace: () => Promise<void>): Promise<SymbolIndex> {
  return isSectioned(data) ? sectionedIndex(data, version, source) : decodeColumnsIndexPaced(data, version, source, pace);
}

/** Every contract in a stored index, with its metadata, checked for shape (sections in their stored order). */
export function decodeSymbolIndexPayload(data: Buffer): { instruments: Instrument[]; meta: SymbolIndexMeta } {
  if (!isSectioned(data)) return decodeColumns(data);
  const { header, bodies } = openSections(data);
  return { instruments: [...bodies.values()].flatMap((body) => decodeColumns(body).instruments), meta: { builtAt: header.builtAt, sources: header.sources ?? [] } };
}
