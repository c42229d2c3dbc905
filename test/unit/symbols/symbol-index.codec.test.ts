import { gunzipSync, gzipSync } from 'node:zlib';
import { DependencyUnavailableError } from '../../../shared/errors';
import { parseSymbolMaster } from '../../../shared/symbols/parse-symbol-master';
import { decodeSymbolIndex, decodeSymbolIndexPayload, encodeSymbolIndex, SYMBOL_INDEX_FORMAT } from '../../../shared/symbols/symbol-index.codec';
import { sampleSymbolMaster } from '../../../shared/symbols/sample-symbol-master';
import { istInstant } from '../../../shared/platform/ist';
import { option } from '../../helpers/symbol-fixtures';

const nowMs = istInstant('2026-08-10', 11, 0);
const { nseFo, bseFo } = sampleSymbolMaster(nowMs);
const instruments = [...parseSymbolMaster(nseFo).instruments, ...parseSymbolMaster(bseFo).instruments];
const meta = { builtAt: nowMs, sources: ['NSE_FO.csv', 'BSE_FO.csv'] };

describe('symbol index codec', () => {
  it('round-trips every field of every instrument exactly, with its metadata', () => {
    const odd = [
      option('M&M', '2026-08-25', 3172.5, 'PE', { description: 'M&M, "quoted" ünïcode', tickSize: 0.01, lotSize: 350, instrumentType: 15 }),
      { ...option('SENSEX', '2026-08-13', -1, 'CE'), exchange: 'BSE' as const, optionType: 'XX' as const, strike: -1, instrumentType: 11 },
    ];
    const all = [...instruments, ...odd];
    const decoded = decodeSymbolIndexPayload(encodeSymbolIndex(all, meta));
    expect(decoded.instruments).toEqual(all);
    expect(decoded.meta).toEqual(meta);
  });

  it('decodes into a working index carrying the given version', () => {
    const index = decodeSymbolIndex(encodeSymbolIndex(instruments, meta), '1723456789012345');
    expect(index.version).toBe('1723456789012345');
    expect(index.instrumentCount).toBe(instruments.length);
    const t = instruments.find((i) => i.optionType === 'CE' && i.underlying === 'NIFTY')!;
    expect(index.find('NSE', 'NIFTY', t.expiry, t.strike, 'CE')).toEqual(t);
  });

  it('is compact: far smaller than the CSV it came from', () => {
    expect(encodeSymbolIndex(instruments, meta).length).toBeLessThan((nseFo.length + bseFo.length) / 5);
  });

  it('refuses another format version with a message that says what to do', () => {
    const other = gzipSync(JSON.stringify({ format: 'fyers-symbol-index/0', count: 0 }));
    expect(() => decodeSymbolIndex(other, '1')).toThrow(DependencyUnavailableError);
    expect(() => decodeSymbolIndex(other, '1')).toThrow(`format is "fyers-symbol-index/0" but this build reads "${SYMBOL_INDEX_FORMAT}"`);
  });

  it('refuses data that is not gzip JSON, or whose columns disagree', () => {
    expect(() => decodeSymbolIndex(Buffer.from('ticker,lot\n'), '1')).toThrow(/not gzip-compressed JSON/);
    const good = JSON.parse(gunzipSync(encodeSymbolIndex(instruments.slice(0, 3), meta)).toString());
    good.strike.pop();
    expect(() => decodeSymbolIndex(gzipSync(JSON.stringify(good)), '1')).toThrow(/column strike does not have 3 entries/);
    good.strike.push(1);
    good.underlying[0] = 99;
    expect(() => decodeSymbolIndex(gzipSync(JSON.stringify(good)), '1')).toThrow(/dictionary reference 99/);
  });
});
