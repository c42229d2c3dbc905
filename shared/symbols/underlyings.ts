/**
 * What the master cannot tell us about an underlying: where its spot quote lives (for ATM strikes)
 * and the exchange freeze quantity (the most units one order may carry). Freeze limits are revised by
 * exchange circulars; FREEZE_QTY_OVERRIDES in config replaces these without a release.
 */
export interface UnderlyingInfo {
  readonly exchange: 'NSE' | 'BSE';
  readonly spotTicker: string;
  readonly freezeQty: number;
}

export const UNDERLYINGS: Readonly<Record<string, UnderlyingInfo>> = {
  NIFTY: { exchange: 'NSE', spotTicker: 'NSE:NIFTY50-INDEX', freezeQty: 1800 },
  BANKNIFTY: { exchange: 'NSE', spotTicker: 'NSE:NIFTYBANK-INDEX', freezeQty: 900 },
  FINNIFTY: { exchange: 'NSE', spotTicker: 'NSE:FINNIFTY-INDEX', freezeQty: 1800 },
  MIDCPNIFTY: { exchange: 'NSE', spotTicker: 'NSE:MIDCPNIFTY-INDEX', freezeQty: 2800 },
  NIFTYNXT50: { exchange: 'NSE', spotTicker: 'NSE:NIFTYNXT50-INDEX', freezeQty: 600 },
  SENSEX: { exchange: 'BSE', spotTicker: 'BSE:SENSEX-INDEX', freezeQty: 1000 },
  BANKEX: { exchange: 'BSE', spotTicker: 'BSE:BANKEX-INDEX', freezeQty: 900 },
  SENSEX50: { exchange: 'BSE', spotTicker: 'BSE:SENSEX50-INDEX', freezeQty: 1800 },
};
