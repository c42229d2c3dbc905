import { UnknownInstrumentError } from '../errors';
import type { Exchange, SymbolIndex } from './instrument';
import { UNDERLYINGS } from './underlyings';

/** An underlying as one exchange lists it: the key of every option chain in the index. */
export interface Listing {
  exchange: Exchange;
  underlying: string;
}

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
  SENSEX: 'SENSEX', BSESENSEX: 'SENSEX', SENSEX50: 'SENSEX50', SNSX50: 'SENSEX50', BANKEX: 'BANKEX',
};

/** An alert's `symbol` split into the exchange it names (if any) and the master's underlying name. */
export function parseAlertSymbol(symbol: string): { exchange?: Exchange; underlying: string } {
  const s = symbol.trim().toUpperCase();
  const m = /^(NSE|BSE):/.exec(s);
  const bare = s.slice(m ? 4 : 0).replace(/-INDEX$/, '').trim();
  const underlying = ALIASES[bare.replace(/[\s_-]+/g, '')] ?? bare;
  return m ? { exchange: m[1] as Exchange, underlying } : { underlying };
}

/**
 * The master's underlying name for an alert's `symbol`: upper-cased, without an `NSE:`/`BSE:` prefix or an
 * `-INDEX` suffix, index aliases mapped. Anything else (a stock such as `BAJAJ-AUTO`) is returned as is.
 */
export const normalizeUnderlying = (symbol: string): string => parseAlertSymbol(symbol).underlying;

const isIndex = (underlying: string) => underlying in UNDERLYINGS;

function supportedList(index: SymbolIndex): string {
  const withOptions = index.underlyings().filter((u) => index.exchangesListing(u).length > 0);
  const indices = withOptions.filter(isIndex);
  const others = withOptions.length - indices.length;
  return `${indices.join(', ') || 'none'}${others ? ` and ${others} stock underlying(s)` : ''}`;
}

/**
 * Which exchange's options an alert means. The prefix is honoured (`BSE:SBIN` trades BSE's SBIN options);
 * a bare stock name means NSE, where the liquid contracts are; a bare index name means the one exchange
 * that lists it. Anything that could mean the wrong exchange is refused, naming both, never guessed.
 * @throws UnknownInstrumentError (422) for an unlisted name, a prefix naming an exchange that does not list
 * it, or an index listed on both exchanges without a prefix.
 */
export function resolveListing(index: SymbolIndex, symbol: string): Listing {
  const { exchange, underlying } = parseAlertSymbol(symbol);
  const listed = index.exchangesListing(underlying);
  if (!listed.length) {
    throw new UnknownInstrumentError(`${underlying} has no options in the symbol master; supported: ${supportedList(index)}`, {
      field: 'symbol', underlying,
    });
  }
  if (exchange) {
    if (listed.includes(exchange)) return { exchange, underlying };
    const other = listed[0]!;
    throw new UnknownInstrumentError(
      `symbol ${exchange}:${underlying} names ${exchange}, but ${underlying} options are listed on ${other}, not ${exchange}; write ${other}:${underlying} if ${other} is meant`,
      { field: 'symbol', underlying, named: exchange, listedOn: listed },
    );
  }
  if (listed.length === 1) {
    const only = listed[0]!;
    if (isIndex(underlying) || only === 'NSE') return { exchange: only, underlying };
    throw new UnknownInstrumentError(
      `a bare stock name means NSE, and NSE lists no ${underlying} options; BSE does: write BSE:${underlying} to trade them`,
      { field: 'symbol', underlying, named: 'NSE', listedOn: listed },
    );
  }
  if (!isIndex(underlying)) return { exchange: 'NSE', underlying };
  throw new UnknownInstrumentError(
    `${underlying} options are listed on both NSE and BSE; prefix the symbol with NSE: or BSE: to say which`,
    { field: 'symbol', underlying, listedOn: listed },
  );
}
