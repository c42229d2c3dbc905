import { UnknownInstrumentError } from '../../../shared/errors';
import { istInstant } from '../../../shared/platform/ist';
import type { Instrument } from '../../../shared/symbols/instrument';
import { parseSymbolMaster } from '../../../shared/symbols/parse-symbol-master';
import { resolveInstrument } from '../../../shared/symbols/resolve-instrument';
import { parseAlertSymbol, resolveListing } from '../../../shared/symbols/resolve-listing';
import { buildSymbolIndex } from '../../../shared/symbols/symbol-index';
import { expiryOn, sampleIndex } from '../../helpers/symbol-fixtures';

// Real-shaped rows: NSE's SBIN monthly (last Tuesday, 15:40) and BSE's SBIN options under the same name,
// expiring on BSE's Thursday schedule at 15:30, as in the real BSE_FO downloads of Sept-Nov 2025.
const NSE_S = '0915-1540|1815-1915:';
const BSE_S = '0915-1530|1815-1915:';
const nseRow = (strike: number, opt: string, token: number) =>
  `101126112474${token},SBIN 24 Nov 26 ${strike} ${opt},15,750,0.05,,${NSE_S},2026-11-20,${expiryOn('2026-11-24')},NSE:SBIN26NOV${strike}${opt},10,11,74${token},SBIN,3045,${strike}.0,${opt},101000000003045,None,0,0.0`;
const bseRow = (date: string, ticker: string, strike: number, opt: string, token: number) =>
  `12112${date.slice(2).replaceAll('-', '')}87${token},SBIN ${date} ${strike} ${opt},15,750,0.05,,${BSE_S},2026-11-20,${expiryOn(date, 15, 30)},BSE:${ticker}${strike}${opt},12,11,87${token},SBIN,500112,${strike}.0,${opt},121000000500112,None,0,0.0`;

function index(): ReturnType<typeof buildSymbolIndex> {
  const rows = [
    nseRow(960, 'CE', 1001), nseRow(960, 'PE', 1002), nseRow(980, 'CE', 1003),
    bseRow('2026-11-19', 'SBIN2611', 960, 'CE', 2001), bseRow('2026-11-26', 'SBIN26NOV', 960, 'CE', 2002),
  ];
  const sample = sampleIndex(istInstant('2026-11-17', 10, 0));
  const extra: Instrument[] = parseSymbolMaster(rows.join('\n')).instruments;
  const all: Instrument[] = [];
  for (const u of sample.underlyings()) {
    for (const ex of sample.exchangesListing(u)) {
      for (const e of sample.optionExpiries(ex, u)) {
        for (const opt of ['CE', 'PE'] as const) for (const k of sample.strikes(ex, u, e, opt)) all.push(sample.find(ex, u, e, k, opt)!);
      }
    }
  }
  return buildSymbolIndex([...all, ...extra], 't');
}

describe('resolveListing: the exchange is part of the key', () => {
  const idx = index();
  const nowMs = istInstant('2026-11-17', 10, 0);

  it('indexes SBIN on both exchanges, each with its own expiries', () => {
    expect(idx.exchangesListing('SBIN')).toEqual(['BSE', 'NSE']);
    expect(idx.optionExpiries('NSE', 'SBIN')).toEqual([expiryOn('2026-11-24')]);
    expect(idx.optionExpiries('BSE', 'SBIN')).toEqual([expiryOn('2026-11-19', 15, 30), expiryOn('2026-11-26', 15, 30)]);
  });

  it('NSE:SBIN monthly resolves to the NSE contract, never the BSE one (the reported bug)', () => {
    const inst = resolveInstrument(idx, { underlying: 'NSE:SBIN', optionType: 'CE', expiry: 'monthly', strike: 960 }, { nowMs });
    expect(inst.ticker).toBe('NSE:SBIN26NOV960CE');
  });

  it('a bare stock name means NSE', () => {
    expect(resolveListing(idx, 'SBIN')).toEqual({ exchange: 'NSE', underlying: 'SBIN' });
    expect(resolveInstrument(idx, { underlying: 'sbin', optionType: 'CE', expiry: 'nearest', strike: 960 }, { nowMs }).ticker).toBe('NSE:SBIN26NOV960CE');
  });

  it('the BSE: prefix is honoured', () => {
    expect(resolveInstrument(idx, { underlying: 'BSE:SBIN', optionType: 'CE', expiry: 'nearest', strike: 960 }, { nowMs }).ticker).toBe('BSE:SBIN2611960CE');
    expect(resolveInstrument(idx, { underlying: 'BSE:SBIN', optionType: 'CE', expiry: 'monthly', strike: 960 }, { nowMs }).ticker).toBe('BSE:SBIN26NOV960CE');
  });

  it('a bare index maps to the one exchange that lists it', () => {
    expect(resolveListing(idx, 'SENSEX')).toEqual({ exchange: 'BSE', underlying: 'SENSEX' });
    expect(resolveListing(idx, 'NIFTY 50')).toEqual({ exchange: 'NSE', underlying: 'NIFTY' });
    expect(resolveListing(idx, 'BSE:SENSEX-INDEX')).toEqual({ exchange: 'BSE', underlying: 'SENSEX' });
  });

  it('a prefix naming an exchange that does not list the underlying is a 422 naming both', () => {
    let err: unknown;
    try { resolveListing(idx, 'NSE:SENSEX'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(UnknownInstrumentError);
    expect((err as UnknownInstrumentError).code).toBe('UNKNOWN_INSTRUMENT'); // answered 422 by functions/http-response.ts
    expect((err as UnknownInstrumentError).publicMessage).toBe('symbol NSE:SENSEX names NSE, but SENSEX options are listed on BSE, not NSE; write BSE:SENSEX if BSE is meant');
    expect(() => resolveListing(idx, 'BSE:NIFTY')).toThrow('symbol BSE:NIFTY names BSE, but NIFTY options are listed on NSE, not BSE');
  });

  it('an index listed on both exchanges needs a prefix; a stock listed only on BSE needs BSE:', () => {
    const both = buildSymbolIndex([
      ...parseSymbolMaster(nseRow(960, 'CE', 1001).replaceAll('SBIN', 'SENSEX50')).instruments,
      ...parseSymbolMaster(bseRow('2026-11-19', 'SENSEX502611', 960, 'CE', 2001).replaceAll('SBIN', 'SENSEX50')).instruments,
    ], 'b');
    expect(() => resolveListing(both, 'SENSEX50')).toThrow('SENSEX50 options are listed on both NSE and BSE; prefix the symbol with NSE: or BSE: to say which');
    const bseOnly = buildSymbolIndex(parseSymbolMaster(bseRow('2026-11-19', 'SBIN2611', 960, 'CE', 2001)).instruments, 'c');
    expect(() => resolveListing(bseOnly, 'SBIN')).toThrow('a bare stock name means NSE, and NSE lists no SBIN options; BSE does: write BSE:SBIN to trade them');
    expect(resolveListing(bseOnly, 'BSE:SBIN')).toEqual({ exchange: 'BSE', underlying: 'SBIN' });
  });

  it('reads the prefix and the SENSEX50 alias of its spot ticker', () => {
    expect(parseAlertSymbol('bse:snsx50-index')).toEqual({ exchange: 'BSE', underlying: 'SENSEX50' });
    expect(parseAlertSymbol('NIFTYBANK')).toEqual({ underlying: 'BANKNIFTY' });
  });
});
