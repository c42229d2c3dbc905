import { gunzipSync, gzipSync } from 'node:zlib';
import { DependencyUnavailableError } from '../../../shared/errors';
import { parseSymbolMaster } from '../../../shared/symbols/parse-symbol-master';
import { COLUMNS_FORMAT, decodeColumns, decodeColumnsIndex, decodeColumnsIndexPaced, encodeColumns } from '../../../shared/symbols/symbol-columns.codec';
import { sampleSymbolMaster } from '../../../shared/symbols/sample-symbol-master';
import { istInstant } from '../../../shared/platform/ist';
import { option } from '../../helpers/symbol-fixtures';

const nowMs = istInstant('2026-08-10', 11, 0);
const { nseFo, bseFo } = sampleSymbolMaster(nowMs);
const instruments = [...parseSymbolMaster(nseFo).instruments, ...parseSymbolMaster(bseFo).instruments];
const meta = { builtAt: nowMs, sources: ['NSE_FO.csv', 'BSE_FO.csv'] };

// The columnar payload: the whole stored index up to format 2 (still read), one section of it since format 3.
describe('columnar symbol payload', () => {
  it('round-trips every field of every instrument exactly, with its metadata', () => {
    const odd = [
      option('M&M', '2026-08-25', 3172.5, 'PE', { description: 'M&M, "quoted" ünïcode', tickSize: 0.01, lotSize: 350, instrumentType: 15 }),
      { ...option('SENSEX', '2026-08-13', -1, 'CE'), exchange: 'BSE' as const, optionType: 'XX' as const, strike: -1, instrumentType: 11 },
    ];
    const all = [...instruments, ...odd];
    const decoded = decodeColumns(encodeColumns(all, meta));
    expect(decoded.instruments).toEqual(all);
    expect(decoded.meta).toEqual(meta);
  });

  it('decodes into a working index carrying the given version', () => {
    const index = decodeColumnsIndex(encodeColumns(instruments, meta), '1723456789012345', 'stored index');
    expect(index.version).toBe('1723456789012345');
    expect(index.instrumentCount).toBe(instruments.length);
    const t = instruments.find((i) => i.optionType === 'CE' && i.underlying === 'NIFTY')!;
    expect(index.find('NSE', 'NIFTY', t.expiry, t.strike, 'CE')).toEqual(t);
  });

  it('is compact: far smaller than the CSV it came from', () => {
    expect(encodeColumns(instruments, meta).length).toBeLessThan((nseFo.length + bseFo.length) / 5);
  });

  it('refuses another format version with a message that says what to do', () => {
    const other = gzipSync(JSON.stringify({ format: 'fyers-symbol-index/0', count: 0 }));
    expect(() => decodeColumnsIndex(other, '1', 'stored index')).toThrow(DependencyUnavailableError);
    expect(() => decodeColumnsIndex(other, '1', 'stored index')).toThrow(`format is "fyers-symbol-index/0" but this build reads "${COLUMNS_FORMAT}"`);
  });

  it('refuses data that is not gzip JSON, or whose columns disagree', () => {
    expect(() => decodeColumnsIndex(Buffer.from('ticker,lot\n'), '1', 'stored index')).toThrow(/not gzip-compressed JSON/);
    const good = JSON.parse(gunzipSync(encodeColumns(instruments.slice(0, 3), meta)).toString());
    good.strike.pop();
    expect(() => decodeColumnsIndex(gzipSync(JSON.stringify(good)), '1', 'stored index')).toThrow(/column strike does not have 3 entries/);
    good.strike.push(1);
    good.underlying[0] = 99;
    expect(() => decodeColumnsIndex(gzipSync(JSON.stringify(good)), '1', 'stored index')).toThrow(/dictionary reference 99/);
  });

  describe('decoded in steps while alerts are served (issue 22: a swap held alerts for its whole decode)', () => {
    // Enough contracts for every column to be cut into several pieces, with text that looks like the
    // separators the pieces are cut at: quotes, commas, `","`, backslashes, and characters of 2-4 bytes.
    const tricky = ['a","b', 'x\\","y', '"', '\\', 'ünï ₹ 𝄞', '],"fyToken":[', ',', '"",""'];
    const many = Array.from({ length: 12_000 }, (_, i) =>
      option(i % 3 ? 'NIFTY' : 'M&M', `2026-08-${String(11 + (i % 15)).padStart(2, '0')}`, 20_000 + i, i % 2 ? 'CE' : 'PE', {
        description: `${tricky[i % tricky.length]} ${i}`,
        ...(i % 4 === 0 ? { session: '0915-1530|1815-1915:' } : {}),
        ...(i % 5 === 0 ? { freezeQty: 1800 } : {}),
      }),
    );
    const data = encodeColumns(many, meta);

    it('gives exactly what one JSON.parse of the payload gives, at once or paced', async () => {
      const whole = JSON.parse(gunzipSync(data).toString('utf8'));
      expect(whole.description.slice(0, tricky.length)).toEqual(tricky.map((t, i) => `${t} ${i}`));
      expect(decodeColumns(data).instruments).toEqual(many);
      let pauses = 0;
      const index = await decodeColumnsIndexPaced(data, 'v2', 'blob test', async () => void (pauses += 1));
      expect(index.instrumentCount).toBe(many.length);
      for (const inst of [many[0]!, many[7]!, many[11_999]!]) expect(index.byTicker(inst.ticker)).toEqual(inst);
      // Many small steps, not one block: pieces of the payload, rows of contracts, rows of the index.
      expect(pauses).toBeGreaterThan(20);
    });

    it('lets other work run between its steps', async () => {
      const order: string[] = [];
      let step = 0;
      const decoding = decodeColumnsIndexPaced(data, 'v2', 'blob test', async () => {
        step += 1;
        if (step === 3) setImmediate(() => order.push('an alert'));
        await new Promise((r) => setImmediate(r));
      }).then(() => order.push('decoded'));
      await decoding;
      expect(order).toEqual(['an alert', 'decoded']);
    });

    it('refuses the same things paced: another format, columns that disagree, bytes that are not gzip JSON', async () => {
      const pace = async () => undefined;
      await expect(decodeColumnsIndexPaced(gzipSync(JSON.stringify({ format: 'fyers-symbol-index/0', count: 0 })), '1', 's', pace)).rejects.toThrow('format is "fyers-symbol-index/0"');
      await expect(decodeColumnsIndexPaced(Buffer.from('ticker,lot\n'), '1', 's', pace)).rejects.toThrow(/not gzip-compressed JSON/);
      const good = JSON.parse(gunzipSync(data).toString());
      good.strike.pop();
      await expect(decodeColumnsIndexPaced(gzipSync(JSON.stringify(good)), '1', 's', pace)).rejects.toThrow(/column strike does not have 12000 entries/);
      // Keys in another order (not how the encoder writes them) are still read, whole.
      const { ticker, ...rest } = JSON.parse(gunzipSync(data).toString());
      expect(decodeColumns(gzipSync(JSON.stringify({ ...rest, ticker }))).instruments).toEqual(many);
    });
  });
});
