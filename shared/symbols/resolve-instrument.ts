import type { ExpirySelector, StrikeSelector } from '../alert/alert.schema';
import { UnknownInstrumentError } from '../errors';
import type { Instrument, SymbolIndex } from './instrument';
import { expiryDate, resolveExpiry } from './resolve-expiry';
import { resolveListing } from './resolve-listing';
import { resolveStrike } from './resolve-strike';

export { normalizeUnderlying, parseAlertSymbol } from './resolve-listing';

export interface InstrumentRequest {
  /** The alert's symbol as written: `NIFTY`, `NSE:SBIN`, `BSE:SENSEX-INDEX`… */
  underlying: string;
  optionType: 'CE' | 'PE';
  expiry: ExpirySelector | undefined;
  strike: StrikeSelector;
}

/**
 * The exact contract an alert names: its listing (exchange and underlying), the expiry its selector picks
 * among those still live at `nowMs`, and the strike its selector picks from that expiry's listed strikes.
 * @throws UnknownInstrumentError for an unknown or ambiguous underlying, expiry or strike, saying what is available.
 * @throws DependencyUnavailableError when an ATM strike is asked for without a spot price.
 */
export function resolveInstrument(index: SymbolIndex, req: InstrumentRequest, ctx: { nowMs: number; spotLtp?: number }): Instrument {
  const listing = resolveListing(index, req.underlying);
  const { exchange, underlying } = listing;
  const expiry = resolveExpiry(index, listing, req.expiry, ctx.nowMs);
  const where = `${exchange === 'NSE' ? '' : `${exchange} `}${underlying} ${expiryDate(expiry)} ${req.optionType}`;
  let strike: number;
  try {
    strike = resolveStrike(index.strikes(exchange, underlying, expiry, req.optionType), req.strike, ctx.spotLtp);
  } catch (e) {
    if (e instanceof UnknownInstrumentError) throw new UnknownInstrumentError(`${where}: ${e.publicMessage}`, e.details, { cause: e });
    throw e;
  }
  const instrument = index.find(exchange, underlying, expiry, strike, req.optionType);
  // resolveStrike only returns listed strikes, so this means the index itself is inconsistent.
  if (!instrument) throw new UnknownInstrumentError(`${where} ${strike} is not in the symbol master`, { field: 'strikeprice' });
  return instrument;
}
