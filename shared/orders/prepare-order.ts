import type { Alert } from '../alert/alert.schema';
import type { Broker } from '../broker/broker.port';
import { DependencyUnavailableError, RiskRefusedError } from '../errors';
import type { RuntimeControls } from '../store/controls.port';
import type { SymbolIndex } from '../symbols/instrument';
import { normalizeUnderlying, resolveInstrument } from '../symbols/resolve-instrument';
import { UNDERLYINGS } from '../symbols/underlyings';
import { needsMarketFacts, sizeLots } from '../risk/position-sizing';
import { isTickMultiple } from './tick';
import type { PreparedOrder } from './prepared-order';

export interface PrepareContext {
  index: SymbolIndex;
  broker: Broker;
  controls: RuntimeControls;
  maxLots: number;
  coverOnlyBuy: boolean;
  freezeQtyOverrides: Record<string, number>;
  nowMs: number;
}

/**
 * Resolves the contract and checks the size, all before the idempotency claim, so an alert that can
 * never trade does not leave a claim behind that would block a corrected retry.
 */
export async function prepareOrder(alert: Alert, ctx: PrepareContext): Promise<PreparedOrder> {
  const underlying = normalizeUnderlying(alert.symbol);
  let spotLtp: number | undefined;
  if (typeof alert.strikeprice === 'object') {
    const spotTicker = UNDERLYINGS[underlying]?.spotTicker;
    if (!spotTicker) throw new RiskRefusedError(`ATM strikes are not supported for ${underlying}: no spot quote is known`);
    spotLtp = (await ctx.broker.getQuotes([spotTicker])).get(spotTicker);
    if (!(spotLtp && spotLtp > 0)) throw new DependencyUnavailableError(`No live price for ${spotTicker}, so ATM cannot be resolved`);
  }
  const instrument = resolveInstrument(
    ctx.index,
    { underlying, optionType: alert.optionType, expiry: alert.expiry, strike: alert.strikeprice },
    { nowMs: ctx.nowMs, spotLtp },
  );
  if (alert.price !== undefined && !isTickMultiple(alert.price, instrument.tickSize)) {
    throw new RiskRefusedError(`price ${alert.price} is not a multiple of the tick size ${instrument.tickSize}`, { field: 'price' });
  }
  const maxLots = ctx.controls.maxLots ?? ctx.maxLots;
  const freezeQty = ctx.freezeQtyOverrides[underlying] ?? UNDERLYINGS[underlying]?.freezeQty;
  const reduceOnly = alert.intent === 'close' || ctx.controls.reduceOnly || (ctx.coverOnlyBuy && alert.action === 'BUY');
  // The size check runs on the requested lots; a reduce-only order can only shrink from here.
  const market = needsMarketFacts(alert.qty) ? await marketFacts(ctx.broker, instrument.ticker) : {};
  const lots = sizeLots(alert.qty, { maxLots, lotSize: instrument.lotSize, freezeQty, side: alert.action, slPoints: alert.sl, ...market });
  return {
    instrument,
    side: alert.action,
    productType: alert.productType,
    orderType: alert.orderType,
    limitPrice: alert.price,
    lots,
    reduceOnly,
    sl: alert.sl,
    tp: alert.tp,
    spotLtp,
  };
}

/** The option's price and the account's funds, for a size given in rupees or as a share of funds. */
export async function marketFacts(broker: Broker, ticker: string): Promise<{ premium?: number; availableFunds?: number }> {
  const [quotes, funds] = await Promise.all([broker.getQuotes([ticker]), broker.getFunds()]);
  return { premium: quotes.get(ticker), availableFunds: funds.available };
}
