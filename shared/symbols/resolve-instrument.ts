import type { ExpirySelector, StrikeSelector } from '../alert/alert.schema';
import { UnknownInstrumentError } from '../errors';
import type { Instrument, SymbolIndex } from './instrument';
import { expiryDate, resolveExpiry } from './resolve-expiry';
import { resolveStrike } from './resolve-strike';
import { UNDERLYINGS } from './underlyings';

/**
 * Names people and TradingView use for the index underlyings, keyed with spaces, '_' and '-' removed, mapped
 * to the name in the Fyers master. TradingView calls NIFTY "NIFTY" or "NIFTY50", Fyers' spot ticker says
 * NIFTYBANK while its options say BANKNIFTY, and so on.
 */
const ALIASES: Readonly<Record<string, string>> = {
  NIFTY: 'NIFTY', NIFTY50: 'NIFTY',
  BANKNIFTY: 'BANKNIFTY', NIFTYBANK: 'BANKNIFTY',
  FINNIFTY: 'FINNIFTY', NIFTYFIN: 'FINNIFTY', NIFTYFINSERVICE: 'FINNIFTY', NIFTYFINANCIALSERVICES: 'FINNIFTY',
  MIDCPNIFTY: 'MIDCPNIFTY', MIDCAPNIFTY: 'MIDCPNIFTY', NIFTYMIDSELECT: 'MIDCPNIFTY', NIFTYMIDCAPSELECT: 'MIDCPNIFTY',
  NIFTYNXT50: 'NIFTYNXT50', NIFTYNEXT50: 'NIFTYNXT50',
  SENSEX: 'SENSEX', BSESENSEX: 'SENSEX', SENSEX50: 'SENSEX50', BANKEX: 'BANKEX',
};

/**
 * The master's underlying name for an alert's `symbol`: upper-cased, without an `NSE:`/`BSE:` prefix or an
 * `-INDEX` suffix, index aliases mapped. Anything else (a stock such as `BAJAJ-AUTO`) is returned as is.
 */
export function normalizeUnderlying(symbol: string): string {
  const bare = symbol.trim().toUpperCase().replace(/^(NSE|BSE):/, '').replace(/-INDEX$/, '').trim();
  return ALIASES[bare.replace(/[\s_-]+/g, '')] ?? bare;
}

export interface InstrumentRequest {
  underlying: string;
  optionType: 'CE' | 'PE';
  expiry: ExpirySelector | undefined;
  strike: StrikeSelector;
}

function supportedList(index: SymbolIndex): string {
  const withOptions = index.underlyings().filter((u) => index.optionExpiries(u).length > 0);
  const indices = withOptions.filter((u) => u in UNDERLYINGS);
  const others = withOptions.length - indices.length;
  return `${indices.join(', ') || 'none'}${others ? ` and ${others} stock underlying(s)` : ''}`;
}

/**
 * The exact contract an alert names: its underlying, the expiry its selector picks among those still live at
 * `nowMs`, and the strike its selector picks from that expiry's listed strikes.
 * @throws UnknownInstrumentError for an unknown underlying, expiry or strike, saying what is available.
 * @throws DependencyUnavailableError when an ATM strike is asked for without a spot price.
 */
export function resolveInstrument(index: SymbolIndex, req: InstrumentRequest, ctx: { nowMs: number; spotLtp?: number }): Instrument {
  const underlying = normalizeUnderlying(req.underlying);
  if (!index.optionExpiries(underlying).length) {
    throw new UnknownInstrumentError(`${underlying} has no options in the symbol master; supported: ${supportedList(index)}`, {
      field: 'symbol', underlying,
    });
  }
  const expiry = resolveExpiry(index, underlying, req.expiry, ctx.nowMs);
  const where = `${underlying} ${expiryDate(expiry)} ${req.optionType}`;
  let strike: number;
  try {
    strike = resolveStrike(index.strikes(underlying, expiry, req.optionType), req.strike, ctx.spotLtp);
  } catch (e) {
    if (e instanceof UnknownInstrumentError) throw new UnknownInstrumentError(`${where}: ${e.publicMessage}`, e.details, { cause: e });
    throw e;
  }
  const instrument = index.find(underlying, expiry, strike, req.optionType);
  // resolveStrike only returns listed strikes, so this means the index itself is inconsistent.
  if (!instrument) throw new UnknownInstrumentError(`${where} ${strike} is not in the symbol master`, { field: 'strikeprice' });
  return instrument;
}
