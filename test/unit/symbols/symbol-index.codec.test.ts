import { createHash } from 'node:crypto';
import { DependencyUnavailableError } from '../../../shared/errors';
import type { Instrument } from '../../../shared/symbols/instrument';
import { istInstant } from '../../../shared/platform/ist';
import { parseSymbolMaster } from '../../../shared/symbols/parse-symbol-master';
import { sampleSymbolMaster } from '../../../shared/symbols/sample-symbol-master';
import { COLUMNS_FORMAT, encodeColumns } from '../../../shared/symbols/symbol-columns.codec';
import { buildSymbolIndex } from '../../../shared/symbols/symbol-index';
import { decodeSymbolIndex, decodeSymbolIndexPaced, decodeSymbolIndexPayload, encodeSymbolIndex, SYMBOL_INDEX_FORMAT } from '../../../shared/symbols/symbol-index.codec';
import { generateFullSymbolMaster } from '../../helpers/generate-full-symbol-master';
import { expectSameAnswers } from '../../helpers/same-index-answers';
import { chain, option } from '../../helpers/symbol-fixtures';

const nowMs = istInstant('2026-08-10', 11, 0);
const { nseFo, bseFo } = sampleSymbolMaster(nowMs);
const sample = [...parseSymbolMaster(nseFo).instruments, ...parseSymbolMaster(bseFo).instruments];
const meta = { builtAt: nowMs, sources: ['NSE_FO.csv', 'BSE_FO.csv'] };

// What the sample lacks and the sections must still get right: names that begin other names, a
// ticker that does not start with its underlying, a ticker listed twice (the first row wins), an
// underlying with futures only, odd text, and a stray session cell.
const odd: Instrument[] = [
  ...chain('NIFTYNXT50', ['2026-08-25'], [70_000, 70_100]),
  option('M&M', '2026-08-25', 3172.5, 'PE', { description: 'M&M, "quoted" ünïcode', tickSize: 0.01, lotSize: 350, instrumentType: 15 }),
  option('RELIANCE', '2026-08-25', 1400, 'CE', { ticker: 'NSE:RIL26AUG1400CE' }),
  option('TCS', '2026-08-25', 4000, 'CE', { ticker: 'NSE:NIFTY2026082524500CE', session: '0900-1700|' }),
  { ...option('SENSEX', '2026-08-13', -1, 'CE'), exchange: 'BSE', optionType: 'XX', strike: -1, instrumentType: 11, ticker: 'BSE:SENSEX26AUGFUT' },
  { ...option('IDEAFUT', '2026-08-25', -1, 'CE'), optionType: 'XX', strike: -1, instrumentType: 11, ticker: 'NSE:IDEAFUT26AUGFUT' },
  { ...sample[0]!, underlying: 'ZZDUP', description: 'a second row for a ticker already listed' },
];
const all = [...sample, ...odd];

describe('stored symbol index (format 3: one section per underlying, opened when first asked for)', () => {
  it('answers every query exactly as an index of the whole master does', () => {
    const lazy = decodeSymbolIndex(encodeSymbolIndex(all, meta), '17');
    expect(lazy.version).toBe('17');
    expect(lazy.meta).toEqual({ source: 'stored index built from NSE_FO.csv, BSE_FO.csv', builtAt: nowMs });
    expectSameAnswers(lazy, buildSymbolIndex(all, '17'), all, nowMs);
  });

  it('answers as the whole index does on a full-size generated master too', () => {
    const full = parseSymbolMaster(generateFullSymbolMaster(20_000, nowMs)).instruments;
    expectSameAnswers(decodeSymbolIndex(encodeSymbolIndex(full, meta), 'g'), buildSymbolIndex(full, 'g'), full, nowMs);
  });

  it('holds every contract once, with every field, and the metadata', () => {
    const decoded = decodeSymbolIndexPayload(encodeSymbolIndex(all, meta));
    const firstOfEach = [...new Map([...all].reverse().map((i) => [i.ticker, i])).values()];
    expect(firstOfEach.length).toBeLessThan(all.length);
    expect([...decoded.instruments].sort((a, b) => a.ticker.localeCompare(b.ticker))).toEqual([...firstOfEach].sort((a, b) => a.ticker.localeCompare(b.ticker)));
    expect(decoded.meta).toEqual(meta);
  });

  it('opens only the sections asked for: a damaged one fails its own underlying alone', () => {
    const data = encodeSymbolIndex(all, meta);
    const { head, bodies } = split(data);
    const at = head.sections.findIndex(([u]) => u === 'BANKNIFTY');
    bodies[at] = Buffer.from('not a section');
    const index = decodeSymbolIndex(join(head, bodies), 'v');
    const t = sample.find((i) => i.underlying === 'NIFTY' && i.optionType === 'CE')!;
    expect(index.find('NSE', 'NIFTY', t.expiry, t.strike, 'CE')).toEqual(t);
    expect(index.byTicker(t.ticker)).toEqual(t);
    expect(() => index.optionExpiries('NSE', 'BANKNIFTY')).toThrow(DependencyUnavailableError);
  });

  it('refuses a blob whose sections do not match their checksum, or that is cut short', () => {
    const data = Buffer.from(encodeSymbolIndex(all, meta));
    data[data.length - 10] = data[data.length - 10]! ^ 0xff;
    expect(() => decodeSymbolIndex(data, 'v')).toThrow('The stored symbol index is unreadable: the sections do not match their checksum');
    expect(() => decodeSymbolIndex(encodeSymbolIndex(all, meta).subarray(0, 500), 'v')).toThrow(/does not fit|runs past/);
  });

  it('refuses another format version with a message that says what to do', () => {
    const { head, bodies } = split(encodeSymbolIndex(all, meta));
    const newer = join({ ...head, format: 'fyers-symbol-index/4' }, bodies);
    expect(() => decodeSymbolIndex(newer, '1')).toThrow(DependencyUnavailableError);
    expect(() => decodeSymbolIndex(newer, '1')).toThrow(`format is "fyers-symbol-index/4" but this build reads "${SYMBOL_INDEX_FORMAT}"; rebuild the index`);
  });

  it('still reads a format-2 blob (one payload for the whole master), so instances keep trading until the refresh republishes', async () => {
    const old = encodeColumns(all, meta);
    expect(COLUMNS_FORMAT).toBe('fyers-symbol-index/2');
    expectSameAnswers(decodeSymbolIndex(old, 'v2'), buildSymbolIndex(all, 'v2'), all, nowMs);
    const paced = await decodeSymbolIndexPaced(old, 'v2', 'blob x', async () => undefined);
    expect(paced.instrumentCount).toBe(buildSymbolIndex(all, 'v2').instrumentCount);
  });

  it('opens in one step when swapped in while alerts are served: there is nothing to pace', async () => {
    let pauses = 0;
    const index = await decodeSymbolIndexPaced(encodeSymbolIndex(all, meta), 'v3', 'blob x', async () => void (pauses += 1));
    expect(pauses).toBe(0);
    expect(index.instrumentCount).toBe(buildSymbolIndex(all, 'v3').instrumentCount);
  });

  it('is compact: far smaller than the CSV it came from', () => {
    expect(encodeSymbolIndex(sample, meta).length).toBeLessThan((nseFo.length + bseFo.length) / 4);
  });
});

interface Head {
  format: string;
  sha256: string;
  sections: [string, number][];
}

/** A format-3 blob taken apart: its header and its sections' bytes. */
function split(data: Buffer): { head: Head; bodies: Buffer[] } {
  // The 7-byte marker, then the header's length (4 bytes), then the header.
  const length = data.readUInt32BE(7);
  const head = JSON.parse(data.toString('utf8', 11, 11 + length));
  let at = 11 + length;
  const bodies = head.sections.map(([, n]: [string, number]) => data.subarray(at, (at += n)));
  return { head, bodies };
}

/** Puts a (changed) header and sections back together, with the checksum and lengths made to match. */
function join(head: Head, bodies: Buffer[]): Buffer {
  const hash = createHash('sha256');
  for (const b of bodies) hash.update(b);
  const fixed = { ...head, sha256: hash.digest('hex'), sections: head.sections.map(([u], i) => [u, bodies[i]!.length]) };
  const text = Buffer.from(JSON.stringify(fixed));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(text.length);
  return Buffer.concat([Buffer.from('FYSIDX\n', 'latin1'), len, text, ...bodies]);
}
