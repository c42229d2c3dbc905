import type { Alert } from '../alert/alert.schema';
import type { Broker } from '../broker/broker.port';
import { DependencyUnavailableError, RiskRefusedError } from '../errors';
import type { RuntimeControls } from '../store/controls.port';
import type { SymbolIndex } from '../symbols/instrument';
import { resolveInstrument } from '../symbols/resolve-instrument';
import { resolveListing } from '../symbols/resolve-listing';
import { freezeQtyFor, spotTickerFor } from '../symbols/underlyings';
import { slicesFor, unitsForLots } from '../risk/lot-sizing';
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
  const { exchange, underlying } = resolveListing(ctx.index, alert.symbol);
  let spotLtp: number | undefined;
  if (typeof alert.strikeprice === 'object') {
    const spotTicker = spotTickerFor(exchange, underlying);
    if (!spotTicker) throw new RiskRefusedError(`ATM strikes are not supported for ${underlying}: no spot quote is known`);
    spotLtp = (await ctx.broker.getQuotes([spotTicker])).get(spotTicker);
    if (!(spotLtp && spotLtp > 0)) throw new DependencyUnavailableError(`No live price for ${spotTicker}, so ATM cannot be resolved`);
  }
  const instrument = resolveInstrument(
    ctx.index,
    { underlying: `${exchange}:${underlying}`, optionType: alert.optionType, expiry: alert.expiry, strike: alert.strikeprice },
    { nowMs: ctx.nowMs, spotLtp },
  );
  if (alert.price !== undefined && !isTickMultiple(alert.price, instrument.tickSize)) {
    throw new RiskRefusedError(`price ${alert.price} is not a multiple of the tick size ${instrument.tickSize}`, { field: 'price' });
  }
  const maxLots = ctx.controls.maxLots ?? ctx.maxLots;
  const freezeQty = freezeQtyFor(instrument, ctx.freezeQtyOverrides)?.qty;
  const reduceOnly = alert.intent === 'close' || ctx.controls.reduceOnly || (ctx.coverOnlyBuy && alert.action === 'BUY');
  // The size check runs on the requested lots; a reduce-only order can only shrink from here.
  const units = unitsForLots(alert.qty, { maxLots, lotSize: instrument.lotSize, freezeQty });
  const slices = freezeQty === undefined ? [units] : slicesFor(units, instrument.lotSize, freezeQty);
  return {
    instrument,
    side: alert.action,
    productType: alert.productType,
    orderType: alert.orderType,
    limitPrice: alert.price,
    lots: alert.qty,
    slices,
    ...(freezeQty !== undefined ? { freezeQty } : {}),
    reduceOnly,
    sl: alert.sl,
    tp: alert.tp,
    spotLtp,
  };
}
