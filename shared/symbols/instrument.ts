/** One tradable contract from the Fyers symbol master (a row of NSE_FO.csv / BSE_FO.csv). */
export interface Instrument {
  /** Fyers ticker used in orders and quotes, e.g. `NSE:NIFTY2672124400CE`. */
  readonly ticker: string;
  readonly fyToken: string;
  readonly description: string;
  /** Underlying as the master names it: NIFTY, BANKNIFTY, FINNIFTY, MIDCPNIFTY, SENSEX… */
  readonly underlying: string;
  readonly exchange: 'NSE' | 'BSE';
  /** Exchange instrument type: 11 FUTIDX, 13 FUTSTK, 14 OPTIDX, 15 OPTSTK. */
  readonly instrumentType: number;
  readonly lotSize: number;
  readonly tickSize: number;
  /** Expiry instant, epoch seconds (15:30 IST of the expiry day for index options). */
  readonly expiry: number;
  /** Strike; -1 for futures. */
  readonly strike: number;
  readonly optionType: 'CE' | 'PE' | 'XX';
}

/** An immutable, query-ready view of the symbol master. Built once per instance and swapped atomically on refresh. */
export interface SymbolIndex {
  /** Opaque version of the data (GCS generation, file mtime or content hash). */
  readonly version: string;
  readonly instrumentCount: number;
  /** Underlyings present in the index. */
  underlyings(): string[];
  /** Option expiries (epoch seconds, ascending) for an underlying; optionally only those not yet expired at `nowMs`. */
  optionExpiries(underlying: string, nowMs?: number): number[];
  /** Strikes (ascending) listed for an underlying, expiry and option type. */
  strikes(underlying: string, expiry: number, optionType: 'CE' | 'PE'): number[];
  /** The exact contract, if listed. */
  find(underlying: string, expiry: number, strike: number, optionType: 'CE' | 'PE'): Instrument | undefined;
  byTicker(ticker: string): Instrument | undefined;
}
