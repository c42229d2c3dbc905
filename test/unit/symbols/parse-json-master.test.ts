import { parseJsonSymbolMaster, withFreezeQuantities } from '../../../shared/symbols/parse-json-master';
import { parseSymbolMaster } from '../../../shared/symbols/parse-symbol-master';
import { generateFullSymbolMaster } from '../../helpers/generate-full-symbol-master';
import { jsonMasterFromCsv } from '../../helpers/generate-full-json-master';

// The real 2024 entry from Fyers' NSE_FO_sym_master.json (fields as published, a few omitted), and the real
// 2026 BANKNIFTY row, its 2026 JSON twin carrying the current freeze limit of 600.
const real2024 = `"NSE:BANKNIFTY24JUL52000CE": {"exSymbol":"BANKNIFTY","optType":"CE","exInstType":14,"fyToken":"101124073150625","symTicker":"NSE:BANKNIFTY24JUL52000CE","exToken":50625,"strikePrice":52000.0,"minLotSize":15,"underFyTok":"101000000026009","underSym":"BANKNIFTY","expiryDate":"1722420000","tradingSession":"0915-1530|1815-1915:","tickSize":0.05,"exchangeName":"NSE","tradeStatus":1,"qtyFreeze":"900","symDetails":"BANKNIFTY 24 Jul 31 52000 CE","asmGsmVal":null,"originalExpDate":null}`;
const realCsv2026 = '101126082558067,BANKNIFTY 25 Aug 26 FUT,11,30,0.2,,0915-1540|1815-1915:,2026-08-20,1787652600,NSE:BANKNIFTY26AUGFUT,10,11,58067,BANKNIFTY,26009,-1.0,XX,101000000026009,None,0,0.0';

describe('parseJsonSymbolMaster', () => {
  it('reads a real entry, numbers quoted or not, with its freeze quantity', () => {
    const r = parseJsonSymbolMaster(`{${real2024}}`);
    expect(r.problems).toEqual([]);
    expect(r.instruments).toEqual([{
      ticker: 'NSE:BANKNIFTY24JUL52000CE', fyToken: '101124073150625', description: 'BANKNIFTY 24 Jul 31 52000 CE', underlying: 'BANKNIFTY', exchange: 'NSE',
      instrumentType: 14, lotSize: 15, tickSize: 0.05, expiry: 1722420000, strike: 52000, optionType: 'CE', session: '0915-1530|1815-1915:', freezeQty: 900,
    }]);
  });

  it('gives the same contracts as the CSV for the same data, plus qtyFreeze; "" means none', () => {
    const json = jsonMasterFromCsv(realCsv2026, { BANKNIFTY: 600 });
    const fromJson = parseJsonSymbolMaster(json).instruments;
    const fromCsv = parseSymbolMaster(realCsv2026).instruments;
    expect(fromJson).toEqual([{ ...fromCsv[0], freezeQty: 600 }]);
    expect(parseJsonSymbolMaster(jsonMasterFromCsv(realCsv2026)).instruments[0]!.freezeQty).toBeUndefined();
  });

  it('judges an implausible qtyFreeze per row: the contract stays, without a freeze quantity, and the row is named', () => {
    const json = jsonMasterFromCsv(realCsv2026, { BANKNIFTY: '12' });
    const r = parseJsonSymbolMaster(json);
    expect(r.instruments).toHaveLength(1);
    expect(r.instruments[0]!.freezeQty).toBeUndefined();
    expect(r.implausibleFreeze).toBe(1);
    expect(r.problems[0]).toContain('NSE:BANKNIFTY26AUGFUT: qtyFreeze "12" is not a whole number of units from one lot (30) up');
  });

  it('refuses a file that is not a JSON object of entries, without throwing', () => {
    expect(parseJsonSymbolMaster('<html>503</html>')).toMatchObject({ instruments: [], problems: ['not a Fyers JSON symbol master: not a JSON object'] });
    expect(parseJsonSymbolMaster(`{${real2024.slice(0, 200)}`).problems[0]).toMatch(/^not a Fyers JSON symbol master/);
  });

  it('handles escapes, nested values and whitespace the way JSON.parse does', () => {
    const text = `{ "NSE:X26AUGFUT" : { "symDetails" : "X \\"q\\" FUT", "extra": {"a":[1,{"b":"}"}]}, "exInstType":"13", "symTicker":"NSE:X26AUGFUT", "underSym":"X", "minLotSize":"100", "tickSize":"0.05", "expiryDate":1787652600, "qtyFreeze":"" } }`;
    const r = parseJsonSymbolMaster(text);
    expect(r.problems).toEqual([]);
    expect(r.instruments[0]).toMatchObject({ description: 'X "q" FUT', instrumentType: 13, lotSize: 100, optionType: 'XX' });
    expect(JSON.parse(text)['NSE:X26AUGFUT'].symDetails).toBe('X "q" FUT');
  });

  it('parses a full-size generated master to the same contracts as its CSV', () => {
    const csv = generateFullSymbolMaster(5_000, Date.UTC(2026, 7, 3, 4, 0));
    const json = jsonMasterFromCsv(csv, { NIFTY: 1800, BANKNIFTY: 600 });
    const a = parseSymbolMaster(csv).instruments;
    const b = parseJsonSymbolMaster(json).instruments;
    expect(b).toHaveLength(a.length);
    const merged = withFreezeQuantities(a, b);
    expect(merged.instruments.filter((i) => i.underlying === 'BANKNIFTY').every((i) => i.freezeQty === 600)).toBe(true);
    expect(merged.instruments.find((i) => i.underlying === 'SBIN')?.freezeQty).toBeUndefined();
    expect(merged.matched).toBe(b.filter((i) => i.freezeQty).length);
    const { freezeQty: _f, ...first } = b[0]!;
    expect(first).toEqual(a[0]);
  });
});
