import { parseSymbolMaster } from '../../../shared/symbols/parse-symbol-master';
import { generateFullSymbolMaster } from '../../helpers/generate-full-symbol-master';
import { expiryOn } from '../../helpers/symbol-fixtures';

// Rows in Fyers' header-less 21-column layout (values made up for these tests).
const S = '0915-1540|1815-1915:';
const weekly = `101126081435110,NIFTY 11 Aug 26 24650 CE,14,65,0.05,,${S},2026-08-07,${expiryOn('2026-08-11')},NSE:NIFTY2681124650CE,10,11,35110,NIFTY,26000,24650.0,CE,101000000026000,None,0,0.0`;
const monthlyPe = `101126082535120,NIFTY 25 Aug 26 24300 PE,14,65,0.05,,${S},2026-08-07,${expiryOn('2026-08-25')},NSE:NIFTY26AUG24300PE,10,11,35120,NIFTY,26000,24300.0,PE,101000000026000,None,0,0.0`;
const future = `101126082561200,BANKNIFTY 25 Aug 26 FUT,11,30,0.2,,${S},2026-08-07,${expiryOn('2026-08-25')},NSE:BANKNIFTY26AUGFUT,10,11,61200,BANKNIFTY,26009,-1.0,XX,101000000026009,None,0,0.0`;
const stockOpt = `101126082571002,IDEA 25 Aug 26 7.5 CE,15,35000,0.01,,${S},2026-08-07,${expiryOn('2026-08-25')},NSE:IDEA26AUG7.5CE,10,11,71002,IDEA,14366,7.5,CE,101000000014366,None,0,0.0`;
const sensex = `121126081381234,SENSEX 13 Aug 26 81200 PE,14,20,0.05,,${S},2026-08-07,${expiryOn('2026-08-13')},BSE:SENSEX2681381200PE,12,11,81234,SENSEX,1,81200.0,PE,121000000000001,None,0,0.0`;
const indexRow = `101000000026000,NIFTY50-INDEX,10,0,0.05,,${S},2026-08-07,,NSE:NIFTY50-INDEX,10,10,26000,NIFTY,26000,-1.0,XX,101000000026000,None,0,0.0`;
const nineteen = (row: string) => row.split(',').slice(0, 19).join(',');

// Real rows: NSE's BANKNIFTY Aug 2026 future (session and expiry at 15:40 IST), and the shape of real BSE_FO
// futures rows of 2025, whose option-type cell is empty, beside a BSE stock option under NSE's name.
const realBankniftyFut = '101126082558067,BANKNIFTY 25 Aug 26 FUT,11,30,0.2,,0915-1540|1815-1915:,2026-08-20,1787652600,NSE:BANKNIFTY26AUGFUT,10,11,58067,BANKNIFTY,26009,-1.0,XX,101000000026009,None,0,0.0';
const bseFuture = `1211251127872451,SENSEX 25 Nov 27 FUT,11,20,0.05,,0915-1530|1815-1915:,2025-11-20,${expiryOn('2025-11-27', 15, 30)},BSE:SENSEX25NOVFUT,12,11,872451,SENSEX,1,-1.0,,121000000000001,None,0,0.0`;
const bseSbin = `1211251127873001,SBIN 25 Nov 27 960 CE,15,750,0.05,,0915-1530|1815-1915:,2025-11-20,${expiryOn('2025-11-27', 15, 30)},BSE:SBIN25NOV960CE,12,11,873001,SBIN,500112,960.0,CE,121000000500112,None,0,0.0`;

describe('parseSymbolMaster', () => {
  it('reads real 2026 NSE and 2025 BSE rows: the 15:40 session, tick 0.2, and an empty option type on BSE futures', () => {
    const r = parseSymbolMaster([realBankniftyFut, bseFuture, bseSbin].join('\n'));
    expect(r.problems).toEqual([]);
    expect(r.instruments[0]).toMatchObject({ ticker: 'NSE:BANKNIFTY26AUGFUT', tickSize: 0.2, optionType: 'XX', session: '0915-1540|1815-1915:', expiry: expiryOn('2026-08-25') });
    expect(r.instruments[1]).toMatchObject({ ticker: 'BSE:SENSEX25NOVFUT', exchange: 'BSE', optionType: 'XX', strike: -1, session: '0915-1530|1815-1915:' });
    expect(r.instruments[2]).toMatchObject({ ticker: 'BSE:SBIN25NOV960CE', exchange: 'BSE', underlying: 'SBIN', instrumentType: 15, lotSize: 750 });
  });


  it('reads options, futures, stock options and BSE rows into instruments', () => {
    const r = parseSymbolMaster([weekly, monthlyPe, future, stockOpt, sensex].join('\n'));
    expect(r).toMatchObject({ rows: 5, skipped: 0, problems: [] });
    expect(r.instruments[0]).toEqual({
      ticker: 'NSE:NIFTY2681124650CE', fyToken: '101126081435110', description: 'NIFTY 11 Aug 26 24650 CE', underlying: 'NIFTY',
      exchange: 'NSE', instrumentType: 14, lotSize: 65, tickSize: 0.05, expiry: expiryOn('2026-08-11'), strike: 24650, optionType: 'CE',
      session: S,
    });
    expect(r.instruments[2]).toMatchObject({ ticker: 'NSE:BANKNIFTY26AUGFUT', instrumentType: 11, strike: -1, optionType: 'XX', lotSize: 30, tickSize: 0.2 });
    expect(r.instruments[3]).toMatchObject({ underlying: 'IDEA', instrumentType: 15, strike: 7.5, lotSize: 35000, tickSize: 0.01 });
    expect(r.instruments[4]).toMatchObject({ exchange: 'BSE', underlying: 'SENSEX', strike: 81200, optionType: 'PE', lotSize: 20 });
  });

  it('reads the older 19-column rows the same way as 21-column ones', () => {
    const r = parseSymbolMaster([nineteen(weekly), monthlyPe].join('\n'));
    expect(r.problems).toEqual([]);
    expect(r.instruments).toHaveLength(2);
    expect(r.instruments[0]).toEqual(parseSymbolMaster(weekly).instruments[0]);
  });

  it('skips out-of-scope rows (index, equity) silently, without calling them problems', () => {
    const r = parseSymbolMaster([indexRow, weekly].join('\n'));
    expect(r).toMatchObject({ rows: 2, skipped: 1, problems: [] });
    expect(r.instruments.map((i) => i.ticker)).toEqual(['NSE:NIFTY2681124650CE']);
  });

  it.each([
    ['too few columns', weekly.split(',').slice(0, 12).join(','), /12 columns/],
    ['a lot size that is not a number', weekly.replace(',65,0.05,', ',abc,0.05,'), /lot size "abc"/],
    ['an empty tick size', weekly.replace(',65,0.05,', ',65,,'), /tick size ""/],
    ['an empty expiry', weekly.replace(`,${expiryOn('2026-08-11')},`, ',,'), /expiry ""/],
    ['a fractional expiry', weekly.replace(`,${expiryOn('2026-08-11')},`, ',1786442400.5,'), /expiry/],
    ['an option type that is neither CE nor PE', weekly.replace(',24650.0,CE,', ',24650.0,XY,'), /option type "XY"/],
    ['a ticker without exchange prefix', weekly.replace('NSE:NIFTY2681124650CE', 'NIFTY2681124650CE'), /no NSE:\/BSE: prefix/],
    ['an MCX ticker', weekly.replace('NSE:NIFTY2681124650CE', 'MCX:GOLD26AUGFUT'), /no NSE:\/BSE: prefix/],
    ['an option without a strike', weekly.replace(',24650.0,CE,', ',,CE,'), /strike ""/],
    ['an option with a zero strike', weekly.replace(',24650.0,CE,', ',0,CE,'), /strike "0"/],
    ['no underlying', weekly.replace(',NIFTY,26000,', ',,26000,'), /no underlying/],
  ])('counts and describes a row with %s, keeping the good rows', (_, bad, message) => {
    const r = parseSymbolMaster([monthlyPe, bad, future].join('\n'));
    expect(r.rows).toBe(3);
    expect(r.skipped).toBe(1);
    expect(r.instruments.map((i) => i.ticker)).toEqual(['NSE:NIFTY26AUG24300PE', 'NSE:BANKNIFTY26AUGFUT']);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/^row 2: /);
    expect(r.problems[0]).toMatch(message);
  });

  it('tolerates a byte-order mark, CRLF line ends, blank lines and quoted cells', () => {
    const quoted = stockOpt.replace('IDEA 25 Aug 26 7.5 CE', '"IDEA, 25 Aug 26 7.5 CE"');
    const r = parseSymbolMaster(`\uFEFF${weekly}\r\n\r\n  \r\n${quoted}\r\n`);
    expect(r).toMatchObject({ rows: 2, skipped: 0, problems: [] });
    expect(r.instruments[0]!.fyToken).toBe('101126081435110');
    expect(r.instruments[1]!.description).toBe('IDEA, 25 Aug 26 7.5 CE');
  });

  it('never throws on garbage and caps the problem list', () => {
    const junk = Array.from({ length: 50 }, (_, i) => `garbage,${i},"unterminated`).join('\n');
    const r = parseSymbolMaster(`${junk}\n${weekly}`);
    expect(r.instruments.length).toBeLessThanOrEqual(1);
    expect(r.problems.length).toBeLessThanOrEqual(21);
    expect(parseSymbolMaster('').instruments).toEqual([]);
    expect(parseSymbolMaster('\u0000\u0001,,,').skipped).toBe(1);
  });

  it('summarises malformed rows beyond the first twenty in one line', () => {
    const bad = Array.from({ length: 30 }, () => weekly.replace(',65,0.05,', ',x,0.05,'));
    const r = parseSymbolMaster(bad.join('\n'));
    expect(r.skipped).toBe(30);
    expect(r.problems).toHaveLength(21);
    expect(r.problems[20]).toBe('…and 10 more malformed rows');
  });

  it('parses a full-size generated master completely', () => {
    const nowMs = Date.UTC(2026, 6, 21, 4, 30);
    const csv = generateFullSymbolMaster(100_000, nowMs);
    expect(generateFullSymbolMaster(100_000, nowMs)).toBe(csv);
    const r = parseSymbolMaster(csv);
    expect(r).toMatchObject({ rows: 100_000, skipped: 0, problems: [] });
    expect(new Set(r.instruments.map((i) => i.ticker)).size).toBe(100_000);
    expect(r.instruments.filter((i) => i.instrumentType === 15).length).toBeGreaterThan(50_000);
  });
});
