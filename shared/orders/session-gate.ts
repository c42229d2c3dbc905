import { OutsideTradingWindowError } from '../errors';
import { sessionRefusal, type SessionPolicy } from '../risk/trading-window';
import type { SymbolIndex } from '../symbols/instrument';
import { resolveListing } from '../symbols/resolve-listing';

/**
 * Refuses an alert outside its exchange's session. The exchange is the one the alert resolves to, and the
 * session the one that exchange's master rows state, so NSE's 15:40 close and BSE's own hours both hold
 * without a constant to keep up to date.
 * @throws OutsideTradingWindowError quoting the session applied.
 * @throws UnknownInstrumentError when the symbol does not resolve (the same 422 the order would get).
 */
export function assertInSession(index: SymbolIndex, symbol: string, atMs: number, policy: SessionPolicy): void {
  const { exchange } = resolveListing(index, symbol);
  const why = sessionRefusal(atMs, exchange, index.session(exchange), policy);
  if (why) throw new OutsideTradingWindowError(why, { exchange, session: index.session(exchange)?.label });
}
