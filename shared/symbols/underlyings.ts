/**
 * What the master cannot tell us about an index underlying: where its spot quote lives (for ATM strikes),
 * and a dated fallback for its exchange freeze quantity (the most units one order may carry).
 *
 * Freeze quantities come first from FREEZE_QTY_OVERRIDES, then from Fyers' JSON master (`qtyFreeze`, which
 * the refresh job reads beside the CSVs); this table is the last resort and is only as fresh as its date.
 */
export interface UnderlyingInfo {
  readonly exchange: 'NSE' | 'BSE';
  readonly spotTicker: string;
  /** Fallback only; see FREEZE_TABLE_AS_OF. */
  readonly freezeQty?: number;
}

/** NSE circulars of 2025-10-31 and 2026-01-30 (in force from 1 Feb 2026) and BSE's limits of the same time. */
export const FREEZE_TABLE_AS_OF = '2026-02-01';

export const UNDERLYINGS: Readonly<Record<string, UnderlyingInfo>> = {
  NIFTY: { exchange: 'NSE', spotTicker: 'NSE:NIFTY50-INDEX', freezeQty: 1800 },
  BANKNIFTY: { exchange: 'NSE', spotTicker: 'NSE:NIFTYBANK-INDEX', freezeQty: 600 },
  FINNIFTY: { exchange: 'NSE', spotTicker: 'NSE:FINNIFTY-INDEX', freezeQty: 1800 },
  MIDCPNIFTY: { exchange: 'NSE', spotTicker: 'NSE:MIDCPNIFTY-INDEX', freezeQty: 2800 },
  NIFTYNXT50: { exchange: 'NSE', spotTicker: 'NSE:NIFTYNXT50-INDEX', freezeQty: 600 },
  SENSEX: { exchange: 'BSE', spotTicker: 'BSE:SENSEX-INDEX', freezeQty: 1000 },
  BANKEX: { exchange: 'BSE', spotTicker: 'BSE:BANKEX-INDEX', freezeQty: 900 },
  // No dated source for SENSEX50's limit: only the JSON master or an override gives one.
  SENSEX50: { exchange: 'BSE', spotTicker: 'BSE:SNSX50-INDEX' },
};

/** Where the spot price of a listing is quoted: the index ticker, or the NSE equity for a stock. */
export function spotTickerFor(exchange: 'NSE' | 'BSE', underlying: string): string | undefined {
  const info = UNDERLYINGS[underlying];
  if (info) return info.exchange === exchange ? info.spotTicker : undefined;
  return exchange === 'NSE' ? `NSE:${underlying}-EQ` : undefined;
}

export type FreezeSource = 'override' | 'master' | 'table';

/**
 * The freeze quantity that applies to a contract and where it came from: an operator override (a new
 * circular the data does not show yet) beats the JSON master's per-contract value, which beats the table.
 */
export function freezeQtyFor(
  inst: { underlying: string; freezeQty?: number },
  overrides: Readonly<Record<string, number>>,
): { qty: number; source: FreezeSource } | undefined {
  const o = overrides[inst.underlying];
  if (o !== undefined) return { qty: o, source: 'override' };
  if (inst.freezeQty !== undefined && inst.freezeQty > 0) return { qty: inst.freezeQty, source: 'master' };
  const t = UNDERLYINGS[inst.underlying]?.freezeQty;
  return t !== undefined ? { qty: t, source: 'table' } : undefined;
}
