import { offsetPoints, pointsOf } from '../alert/offset';
import type { Alert } from '../alert/alert.schema';
import type { Broker } from '../broker/broker.port';
import { DependencyUnavailableError, RiskRefusedError } from '../errors';
import type { RuntimeControls } from '../store/controls.port';
import type { SymbolIndex } from '../symbols/instrument';
import { resolveExpiry } from '../symbols/resolve-expiry';
import { resolveInstrument } from '../symbols/resolve-instrument';
import { resolveListing, type Listing } from '../symbols/resolve-listing';
import { freezeQtyFor, spotTickerFor } from '../symbols/underlyings';
import { slicesFor } from '../risk/lot-sizing';
import { sizeLots } from '../risk/position-sizing';
import { isTickMultiple } from '../symbols/tick';
import type { PreparedOrder } from './prepared-order';

export interface PlanContext {
  index: SymbolIndex;
  controls: RuntimeControls;
  maxLots: number;
  coverOnlyBuy: boolean;
  freezeQtyOverrides: Record<string, number>;
  nowMs: number;
}

export interface PrepareContext extends PlanContext {
  broker: Broker;
}

/** An alert checked as far as it can be without a price. */
export type OrderPlan =
  /** A named strike: the contract and size are known and checked. */
  | { kind: 'ready'; prepared: PreparedOrder }
  /** ATM-relative: the underlying's LTP picks the strike; `finish` resolves and checks the rest. */
  | { kind: 'needs-spot'; spotTicker: string; finish(spotLtp: number | undefined): PreparedOrder };

/**
 * Resolves the contract and checks the size without asking the broker anything, so the idempotency
 * claim can be made first (a resend then costs no broker call) and an alert that can never trade is
 * refused before it leaves a claim behind. An ATM alert is checked as far as its underlying and expiry;
 * the strike waits for the spot price, which the use case fetches beside the claim.
 */
export function planOrder(alert: Alert, ctx: PlanContext): OrderPlan {
  // The exchange is part of the contract's key: the alert's prefix, else NSE for a stock, else the one listing an index.
  const listing = resolveListing(ctx.index, alert.symbol);
  if (typeof alert.strikeprice !== 'object') return { kind: 'ready', prepared: finishOrder(alert, ctx, listing, undefined) };
  const spotTicker = spotTickerFor(listing.exchange, listing.underlying);
  if (!spotTicker) throw new RiskRefusedError(`ATM strikes are not supported for ${listing.underlying}: no spot quote is known`);
  // The same refusal a full resolve gives for an unknown expiry, before any claim or quote.
  resolveExpiry(ctx.index, listing, alert.expiry, ctx.nowMs);
  return {
    kind: 'needs-spot',
    spotTicker,
    finish: (spotLtp) => {
      if (!(spotLtp && spotLtp > 0)) throw new DependencyUnavailableError(`No live price for ${spotTicker}, so ATM cannot be resolved`);
      return finishOrder(alert, ctx, listing, spotLtp);
    },
  };
}

function finishOrder(alert: Alert, ctx: PlanContext, listing: Listing, spotLtp: number | undefined): PreparedOrder {
  const { exchange, underlying } = listing;
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
  // The size check runs on the requested lots; a reduce-only order can only shrink from here. A size
  // computed from risk or funds needs the option's price and the funds, so it is finished once claimed
  // (and sliced then, from the lots it comes to).
  const computed = typeof alert.qty !== 'number';
  const lots = computed ? 0 : sizeLots(alert.qty, { maxLots, lotSize: instrument.lotSize, freezeQty, side: alert.action });
  const units = lots * instrument.lotSize;
  const slices = computed || freezeQty === undefined ? [units] : slicesFor(units, instrument.lotSize, freezeQty);
  return {
    instrument,
    side: alert.action,
    productType: alert.productType,
    orderType: alert.orderType,
    limitPrice: alert.price,
    lots,
    slices,
    ...(freezeQty !== undefined ? { freezeQty } : {}),
    reduceOnly,
    sl: alert.sl,
    tp: alert.tp,
    ...(alert.trail !== undefined ? { trail: alert.trail } : {}),
    ...(alert.note ? { note: alert.note } : {}),
    spotLtp,
    ...(typeof alert.qty !== 'number' ? { sizing: { spec: alert.qty, maxLots, freezeQty } } : {}),
  };
}

/** Plan and finish in one step, quoting the spot when needed (for callers that do not claim in between). */
export async function prepareOrder(alert: Alert, ctx: PrepareContext): Promise<PreparedOrder> {
  const plan = planOrder(alert, ctx);
  if (plan.kind === 'ready') return plan.prepared;
  return plan.finish((await ctx.broker.getQuotes([plan.spotTicker])).get(plan.spotTicker));
}

/** The option's price and the account's funds, for a size given in rupees or as a share of funds. */
export async function marketFacts(broker: Broker, ticker: string): Promise<{ premium?: number; availableFunds?: number }> {
  const [quotes, funds] = await Promise.all([broker.getQuotes([ticker]), broker.getFunds()]);
  return { premium: quotes.get(ticker), availableFunds: funds.available };
}

/** Finishes a computed size with the option's price (already being quoted) and the account's funds. */
export async function sizeFromMarket(broker: Broker, p: PreparedOrder, premium: Promise<number | undefined>): Promise<number> {
  if (!p.sizing) return p.lots;
  const [price, funds] = await Promise.all([premium, broker.getFunds()]);
  return sizeLots(p.sizing.spec, {
    maxLots: p.sizing.maxLots,
    freezeQty: p.sizing.freezeQty,
    lotSize: p.instrument.lotSize,
    side: p.side,
    // A percent stop risks that share of the premium per unit.
    slPoints: p.sl === undefined ? undefined : price ? offsetPoints(p.sl, price) : pointsOf(p.sl),
    premium: price,
    availableFunds: funds.available,
  });
}
