import { istInstant, istParts } from '../../../shared/platform/ist';
import { parseSymbolMaster } from '../../../shared/symbols/parse-symbol-master';
import { expiryDate } from '../../../shared/symbols/resolve-expiry';
import { sampleSymbolMaster } from '../../../shared/symbols/sample-symbol-master';
import { validateSymbolMaster } from '../../../shared/symbols/validate-symbol-master';
import { sampleIndex } from '../../helpers/symbol-fixtures';

const CONFIGURED = ['NIFTY', 'BANKNIFTY', 'FINNIFTY', 'MIDCPNIFTY', 'SENSEX'];

describe('sampleSymbolMaster', () => {
  const nowMs = istInstant('2026-07-21', 10, 0);
  const { nseFo, bseFo } = sampleSymbolMaster(nowMs);

  it('writes the real header-less 21-column layout that the parser reads without a problem', () => {
    for (const csv of [nseFo, bseFo]) {
      const lines = csv.trim().split('\n');
      expect(lines.every((l) => l.split(',').length === 21)).toBe(true);
      expect(lines[0]).not.toMatch(/ticker|symbol/i);
      const parsed = parseSymbolMaster(csv);
      expect(parsed.problems).toEqual([]);
      expect(parsed.skipped).toBe(0);
      expect(parsed.instruments).toHaveLength(lines.length);
    }
    expect(nseFo).toContain(`101126072135081,NIFTY 21 Jul 26 24500 CE,14,65,0.05,,0915-1530|1815-1915:,2026-07-21,${istInstant('2026-07-21', 15, 30) / 1000},NSE:NIFTY2672124500CE,10,11,35081,NIFTY,26000,24500.0,CE,101000000026000,None,0,0.0`);
  });

  it('puts each index on its exchange with its lot size, 0.05 ticks and 81 strikes per side around the paper spot', () => {
    const nse = parseSymbolMaster(nseFo).instruments;
    const bse = parseSymbolMaster(bseFo).instruments;
    expect(new Set(nse.map((i) => i.underlying))).toEqual(new Set(['NIFTY', 'BANKNIFTY', 'FINNIFTY', 'MIDCPNIFTY']));
    expect(new Set(bse.map((i) => `${i.exchange}:${i.underlying}`))).toEqual(new Set(['BSE:SENSEX']));
    const lots = Object.fromEntries([...nse, ...bse].map((i) => [i.underlying, i.lotSize]));
    expect(lots).toEqual({ NIFTY: 65, BANKNIFTY: 30, FINNIFTY: 60, MIDCPNIFTY: 120, SENSEX: 20 });
    expect([...nse, ...bse].filter((i) => i.optionType !== 'XX').every((i) => i.tickSize === 0.05)).toBe(true);
    const index = sampleIndex(nowMs);
    const strikes = index.strikes('NSE', 'BANKNIFTY', index.optionExpiries('NSE', 'BANKNIFTY')[0]!, 'PE');
    expect(strikes).toHaveLength(81);
    expect([strikes[0], strikes[40], strikes[80]]).toEqual([48000, 52000, 56000]);
    expect(index.strikes('NSE', 'MIDCPNIFTY', index.optionExpiries('NSE', 'MIDCPNIFTY')[0]!, 'CE')[1]! - index.strikes('NSE', 'MIDCPNIFTY', index.optionExpiries('NSE', 'MIDCPNIFTY')[0]!, 'CE')[0]!).toBe(25);
  });

  it('lays out NIFTY weeklies plus monthlies, monthly-only indices and one future per month', () => {
    const index = sampleIndex(nowMs);
    expect(index.optionExpiries('NSE', 'NIFTY').map(expiryDate)).toEqual(['2026-07-21', '2026-07-28', '2026-08-04', '2026-08-11', '2026-08-25']);
    expect(index.optionExpiries('NSE', 'BANKNIFTY').map(expiryDate)).toEqual(['2026-07-28', '2026-08-25']);
    expect(index.optionExpiries('BSE', 'SENSEX').map(expiryDate)).toEqual(['2026-07-23', '2026-07-30', '2026-08-06', '2026-08-13', '2026-08-27']);
    expect(index.byTicker('NSE:NIFTY26JULFUT')).toMatchObject({ instrumentType: 11, strike: -1, optionType: 'XX' });
    expect(index.byTicker('NSE:FINNIFTY26AUGFUT')).toBeDefined();
    expect(index.byTicker('BSE:SENSEX26AUGFUT')).toBeDefined();
    expect(index.byTicker('NSE:NIFTY26SEPFUT')).toBeUndefined();
  });

  it('leaves out an expiry day once that day’s close has passed: 15:30 before 3 Aug 2026, 15:40 from then on both exchanges', () => {
    const first = (at: number, exchange: 'NSE' | 'BSE', u: string) => sampleIndex(at).optionExpiries(exchange, u).map(expiryDate)[0];
    expect(first(istInstant('2026-07-21', 15, 29), 'NSE', 'NIFTY')).toBe('2026-07-21');
    expect(first(istInstant('2026-07-21', 15, 31), 'NSE', 'NIFTY')).toBe('2026-07-28');
    expect(first(istInstant('2026-07-23', 15, 29), 'BSE', 'SENSEX')).toBe('2026-07-23');
    expect(first(istInstant('2026-07-23', 15, 31), 'BSE', 'SENSEX')).toBe('2026-07-30');
    expect(first(istInstant('2026-08-04', 15, 39), 'NSE', 'NIFTY')).toBe('2026-08-04');
    expect(first(istInstant('2026-08-04', 15, 41), 'NSE', 'NIFTY')).toBe('2026-08-11');
    expect(first(istInstant('2026-08-06', 15, 39), 'BSE', 'SENSEX')).toBe('2026-08-06');
    expect(first(istInstant('2026-08-06', 15, 41), 'BSE', 'SENSEX')).toBe('2026-08-13');
  });

  it('states the market calendar’s session for its day, BANKNIFTY futures tick 0.2, and BSE futures without an option type', () => {
    const index = sampleIndex(nowMs);
    expect(index.session('NSE')).toEqual({ startMin: 555, endMin: 930, label: '09:15-15:30' });
    expect(index.session('BSE')?.label).toBe('09:15-15:30');
    const afterChange = sampleIndex(istInstant('2026-08-03', 10, 0));
    expect(afterChange.session('NSE')).toEqual({ startMin: 555, endMin: 940, label: '09:15-15:40' });
    expect(afterChange.session('BSE')?.label).toBe('09:15-15:40');
    expect(index.byTicker('NSE:BANKNIFTY26JULFUT')?.tickSize).toBe(0.2);
    expect(nseFo).toMatch(/,NSE:NIFTY26JULFUT,.*,-1\.0,XX,/);
    const bseFut = bseFo.split('\n').find((l) => l.includes(',BSE:SENSEX26JULFUT,'))!;
    expect(bseFut.split(',')[16]).toBe('');
  });

  it('is deterministic for a given instant', () => {
    expect(sampleSymbolMaster(nowMs)).toEqual({ nseFo, bseFo });
  });

  it('stays fresh across a year: after each month-end expiry, on month ends and mid-month', () => {
    // The risky instants are right after an expiry drops out and at a month's turn; a day per kind per month.
    const instants: number[] = [];
    for (let m = 0; m < 12; m++) {
      const y = 2026 + Math.floor((m + 4) / 12);
      const month = ((m + 4) % 12) + 1;
      const iso = (day: number) => `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
      const last = new Date(Date.UTC(y, month, 0)).getUTCDate();
      const lastOf = (weekday: number) => last - ((new Date(Date.UTC(y, month - 1, last)).getUTCDay() - weekday + 7) % 7);
      instants.push(istInstant(iso(lastOf(2)), 15, 31), istInstant(iso(lastOf(4)), 15, 31), istInstant(iso(last), 23, 59), istInstant(iso(1), 9, 0), istInstant(iso(15), 12, 0));
    }
    const stale: string[] = [];
    for (const at of instants) {
      const index = sampleIndex(at);
      const when = `${istParts(at).date} ${istParts(at).minutes}`;
      for (const u of CONFIGURED) if (index.optionExpiries(u === 'SENSEX' ? 'BSE' : 'NSE', u, at).length < 1) stale.push(`${when} ${u}`);
      const niftyLive = index.optionExpiries('NSE', 'NIFTY', at);
      if (niftyLive.length < 2 || niftyLive[1]! - niftyLive[0]! !== 7 * 86_400) stale.push(`${when} NIFTY weeklies`);
      if (index.optionExpiries('BSE', 'SENSEX', at).length < 2) stale.push(`${when} SENSEX weeklies`);
    }
    expect(instants).toHaveLength(60);
    expect(stale).toEqual([]);
  });

  it('passes the validator the refresh job applies, across month ends', () => {
    for (const date of ['2026-02-24', '2026-03-31', '2026-06-30', '2026-12-29', '2026-12-31']) {
      const at = istInstant(date, 15, 45);
      const { nseFo: n, bseFo: b } = sampleSymbolMaster(at);
      const all = [...parseSymbolMaster(n).instruments, ...parseSymbolMaster(b).instruments];
      expect(validateSymbolMaster(all, { underlyings: CONFIGURED, minInstruments: 1000, nowMs: at })).toEqual([]);
    }
  });
});
