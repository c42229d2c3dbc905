import type { Exchange } from '../market/market-calendar';

// The market calendar owns which exchanges there are; the symbol master speaks of the same ones.
export type { Exchange };

/** One tradable contract from the Fyers symbol master (a row of NSE_FO.csv / BSE_FO.csv). */
export interface Instrument {
  /** Fyers ticker used in orders and quotes, e.g. `NSE:NIFTY2672124400CE`. */
  readonly ticker: string;
  readonly fyToken: string;
  readonly description: string;
  /** Underlying as the master names it: NIFTY, BANKNIFTY, FINNIFTY, MIDCPNIFTY, SENSEX, SBIN… */
  readonly underlying: string;
  readonly exchange: Exchange;
  /** Exchange instrument type: 11 FUTIDX, 13 FUTSTK, 14 OPTIDX, 15 OPTSTK. */
  readonly instrumentType: number;
  readonly lotSize: number;
  readonly tickSize: number;
  /** Expiry instant, epoch seconds (the session close of the expiry day, as the market calendar dates it). */
  readonly expiry: number;
  /** Strike; -1 for futures. */
  readonly strike: number;
  readonly optionType: 'CE' | 'PE' | 'XX';
  /** Master column 6 as published, e.g. `0915-1540|1815-1915:`; the first window is the normal session. */
  readonly session?: string;
  /** Exchange freeze quantity in units from Fyers' JSON master (`qtyFreeze`), when it gave one. */
  readonly freezeQty?: number;
}

/** A normal trading session in IST minutes after midnight, end exclusive. */
export interface TradingSession {
  readonly startMin: number;
  readonly endMin: number;
  /** `09:15-15:40`, for messages. */
  readonly label: string;
}

/** An immutable, query-ready view of the symbol master. Built once per instance and swapped atomically on refresh. */
export interface SymbolIndex {
  /** Opaque version of the data (GCS generation, file mtime or content hash). */
  readonly version: string;
  readonly instrumentCount: number;
  /** Where the data came from and when it was built, for readiness (absent for indexes built in tests). */
  readonly meta?: { source: string; builtAt?: number; sample?: boolean };
  /** Underlying names present in the index (on any exchange). */
  underlyings(): string[];
  /** The exchanges that list options on this underlying name, e.g. ['BSE', 'NSE'] for SBIN. */
  exchangesListing(underlying: string): Exchange[];
  /** Option expiries (epoch seconds, ascending) for an underlying on an exchange; optionally only those not yet expired at `nowMs`. */
  optionExpiries(exchange: Exchange, underlying: string, nowMs?: number): number[];
  /** Strikes (ascending) listed for an underlying, expiry and option type. */
  strikes(exchange: Exchange, underlying: string, expiry: number, optionType: 'CE' | 'PE'): number[];
  /** The exact contract, if listed. */
  find(exchange: Exchange, underlying: string, expiry: number, strike: number, optionType: 'CE' | 'PE'): Instrument | undefined;
  byTicker(ticker: string): Instrument | undefined;
  /** The exchange's normal F&O session as its master rows state it (the most common column-6 value). */
  session(exchange: Exchange): TradingSession | undefined;
}
