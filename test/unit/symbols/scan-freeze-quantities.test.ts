import { freezeScanner, scanFreezeQuantities, TEXT_SLICE, withScannedFreeze } from '../../../shared/symbols/scan-freeze-quantities';
import { generateFullSymbolMaster } from '../../helpers/generate-full-symbol-master';
import { jsonMasterFromCsv } from '../../helpers/generate-full-json-master';
import { parseJsonSymbolMaster } from '../../../shared/symbols/parse-json-master';
import type { Instrument } from '../../../shared/symbols/instrument';

describe('scanFreezeQuantities', () => {
  it('keeps each entry key and its qtyFreeze (quoted or not), never a qtyFreeze nested deeper or inside a string', async () => {
    const text = `\ufeff{
      "NSE:A": {"symTicker": "NSE:A", "qtyFreeze": "1800", "note": "qtyFreeze: 5"},
      "NSE:B": {"nested": {"qtyFreeze": "99"}, "list": [1, {"qtyFreeze": 7}], "qtyFreeze": 600},
      "NSE:C": {"qtyFreeze": ""},
      "NSE:D": {"qtyFreeze": null, "x": "a \\" quote"},
      "BSE:E": {"x": "\\\\", "qtyFreeze": "1000"}
    }`;
    const scan = await scanFreezeQuantities(text);
    expect(scan.problem).toBeUndefined();
    expect(scan.entries).toBe(5);
    expect([...scan.freeze]).toEqual([['NSE:A', '1800'], ['NSE:B', '600'], ['BSE:E', '1000']]);
  });

  it('gives the same map however the bytes are cut into chunks', async () => {
    const text = '{"NSE:NIFTY1":{"a":"x,}{","qtyFreeze":"1800","b":[{"c":1}]},"NSE:NIFTY2":{"qtyFreeze":1200}}';
    const bytes = Buffer.from(text);
    const whole = await scanFreezeQuantities(bytes);
    for (const size of [1, 2, 3, 7, 16]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      expect(await scanFreezeQuantities(chunks)).toEqual(whole);
    }
    expect([...whole.freeze]).toEqual([['NSE:NIFTY1', '1800'], ['NSE:NIFTY2', '1200']]);
  });

  it('gives the same map wherever the bytes are cut, in two chunks or three, through escapes, nested values and literals', async () => {
    // Every kind of token sits somewhere in here, so some cut falls inside (or just before or after) each:
    // an escaped ticker, qtyFreeze inside a string, nested and in an array, quoted, bare, null, empty, padded.
    const text =
      '\ufeff{ "NSE:A\\u0042" : {"note": "a \\"qtyFreeze\\": \\"5\\" \\\\", "qtyFreeze" : "1800" , "n":{"qtyFreeze":"7"}, "l":[1,"qtyFreeze"]},\n' +
      '"NSE:C":{"qtyFreeze":1200},"NSE:D":{"qtyFreeze": null},"NSE:E":{"qtyFreezeX":"9","qtyFreeze":"","x":-1.5e3},"NSE:F\\\\":{"qtyFreeze":" 600 "}}';
    const bytes = Buffer.from(text);
    const expected = [['NSE:AB', '1800'], ['NSE:C', '1200'], ['NSE:F\\', '600']];
    const whole = await scanFreezeQuantities(bytes);
    expect(whole).toEqual({ freeze: new Map(expected as [string, string][]), entries: 5 });
    for (let a = 0; a <= bytes.length; a++) {
      expect(await scanFreezeQuantities([bytes.subarray(0, a), bytes.subarray(a)])).toEqual(whole);
      for (const middle of [1, 2, 3, 5, 9]) {
        const b = Math.min(a + middle, bytes.length);
        expect(await scanFreezeQuantities([bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)])).toEqual(whole);
      }
    }
  });

  it('reads a qtyFreeze key, ticker, value or literal carried over from earlier chunks as it reads one left whole', async () => {
    // Each token of interest starts in one chunk and ends two or more chunks later; look-alike keys must not match.
    const text = '{"NSE:LONG\\"TICKER":{"qtyFreezeX":"1","qtyFreez":"2","qtyFreeze":"12345678"},"NSE:B":{"qtyFreeze":9876543,"z":"qtyFreeze"}}';
    const bytes = Buffer.from(text);
    for (const size of [1, 2, 3, 4]) {
      const chunks: Uint8Array[] = [];
      // Plain Uint8Arrays, not Buffers, with an empty chunk after each: neither may change anything.
      for (let i = 0; i < bytes.length; i += size) chunks.push(new Uint8Array(bytes.subarray(i, i + size)), new Uint8Array(0));
      expect(await scanFreezeQuantities(chunks)).toEqual({ freeze: new Map([['NSE:LONG"TICKER', '12345678'], ['NSE:B', '9876543']]), entries: 2 });
    }
  });

  it('reports a ticker or a kept value JSON cannot read (a bad escape) as the file\'s problem, never throws, however the chunks are cut', async () => {
    // `\E` is no escape. The ticker is made into text at the end of the chunk that holds it; a chunk ending
    // at its opening quote, or an empty chunk, changes nothing.
    const problem = 'not a Fyers JSON symbol master: a string that is not valid JSON (a bad escape)';
    const bytes = Buffer.from('{"NS\\E:":{}}');
    for (const source of [bytes, [bytes.subarray(0, 2), bytes.subarray(2)], [bytes.subarray(0, 2), new Uint8Array(0), bytes.subarray(2)], bytes.toString()]) {
      expect(await scanFreezeQuantities(source)).toEqual({ freeze: new Map(), entries: expect.any(Number), problem });
    }
    expect(await scanFreezeQuantities('{"NSE:A":{"qtyFreeze":"18\\q00"}}')).toEqual({ freeze: new Map(), entries: 1, problem });
  });

  it('reads text longer than one slice as its bytes, wherever a slice ends (inside a ticker, a surrogate pair or a value)', async () => {
    // Text is encoded a slice at a time into one reused buffer: what a slice leaves carried or pointed
    // into must survive the next slice being written over it (a whole slice follows, to write over it all).
    const entry = '"NSE:É😀\\"X":{"a":"ü","qtyFreeze":"18😀00"}';
    const tail = `,"NSE:TAIL":{"x":"${'b'.repeat(TEXT_SLICE)}"}}`;
    for (let k = 1; k <= entry.length + 1; k++) {
      const head = '{"NSE:PAD":{"x":"';
      const text = `${head}${'a'.repeat(TEXT_SLICE - k - head.length - 3)}"},${entry}${tail}`;
      const scan = await scanFreezeQuantities(text);
      expect(scan).toEqual(await scanFreezeQuantities(Buffer.from(text)));
      expect(scan.freeze).toEqual(new Map([['NSE:É😀"X', '18😀00']]));
    }
  });

  it('reports text that is not an object of objects, keeping nothing', async () => {
    for (const bad of ['[1,2]', '{"NSE:A": 5}', '{"NSE:A": {"qtyFreeze": "1"}', '']) {
      const scan = await scanFreezeQuantities(bad);
      expect(scan.problem).toMatch(/^not a Fyers JSON symbol master: /);
      expect(scan.freeze.size).toBe(0);
    }
    const s = freezeScanner();
    s.push('{"NSE:A": {"qtyFreeze": "1800"}}');
    expect(s.end().freeze.get('NSE:A')).toBe('1800');
  });

  it('finds the same freeze quantities as the full JSON parser on a generated master', async () => {
    const now = Date.UTC(2026, 0, 5);
    const csv = generateFullSymbolMaster(3000, now);
    const json = jsonMasterFromCsv(csv, { NIFTY: 1800, BANKNIFTY: 600 });
    const full = parseJsonSymbolMaster(json);
    const expected = new Map(full.instruments.filter((i) => i.freezeQty).map((i) => [i.ticker, i.freezeQty]));
    const scan = await scanFreezeQuantities(Buffer.from(json));
    const merged = withScannedFreeze(full.instruments.map((i): Instrument => ({ ...i, freezeQty: undefined })), scan.freeze);
    expect(new Map(merged.instruments.filter((i) => i.freezeQty).map((i) => [i.ticker, i.freezeQty]))).toEqual(expected);
    expect(expected.size).toBeGreaterThan(0);
  });

  it('judges each cell against the contract it names: a value below one lot or not whole is ignored and named', () => {
    const merged = withScannedFreeze<{ ticker: string; lotSize: number; freezeQty?: number }>(
      [{ ticker: 'NSE:A', lotSize: 75 }, { ticker: 'NSE:B', lotSize: 75 }, { ticker: 'NSE:C', lotSize: 75 }, { ticker: 'NSE:D', lotSize: 75 }],
      new Map([['NSE:A', '1800'], ['NSE:B', '10'], ['NSE:C', '12.5']]),
    );
    expect(merged.instruments.map((i) => i.freezeQty)).toEqual([1800, undefined, undefined, undefined]);
    expect(merged).toMatchObject({ matched: 1, named: 3 });
    expect(merged.implausible).toHaveLength(2);
    expect(merged.implausible[0]).toMatch(/NSE:B: qtyFreeze "10"/);
  });
});
