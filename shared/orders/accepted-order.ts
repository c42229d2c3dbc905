import type { OrderReport, PlaceOutcome } from '../broker/broker.port';
import { RiskRefusedError } from '../errors';
import { slicesFor } from '../risk/lot-sizing';
import { limitPriceRefusal } from '../risk/price-band';
import type { OrderResult, OrderSlice } from './order-result';
import type { ProtectionOffsets } from './order-protection';

/** The slices an order of `units` leaves as, at the freeze quantity that applies (one when none is known). */
export const sliceUnits = (units: number, lotSize: number, freezeQty: number | undefined): number[] =>
  freezeQty === undefined ? [units] : slicesFor(units, lotSize, freezeQty);

/**
 * A LIMIT price far from the option's own price is almost always the underlying's price sent by mistake.
 * @throws RiskRefusedError (422, field `price`) quoting both prices.
 */
export function assertLimitNearLtp(limitPrice: number, ltp: number, bandPercent: number): void {
  const why = limitPriceRefusal(limitPrice, ltp, bandPercent);
  if (why) throw new RiskRefusedError(why, { field: 'price', price: limitPrice, ltp, bandPercent });
}

/**
 * What an accepted order's result says beyond its id: filled only when the broker said so, every slice
 * of a sliced order (as the broker answered, else the planned sizes as sent), and the offsets handed to
 * managed protection.
 */
export function acceptedDetails(
  outcome: Extract<PlaceOutcome, { status: 'placed' }>,
  planned: number[],
  managed: ProtectionOffsets | undefined,
): Pick<OrderResult, 'filled' | 'slices' | 'managedProtection'> {
  const out: Pick<OrderResult, 'filled' | 'slices' | 'managedProtection'> = {};
  if (outcome.filled) out.filled = true;
  if (planned.length > 1) {
    out.slices = planned.map((qty, i): OrderSlice => {
      const s = outcome.slices?.[i];
      if (!s) return { qty, status: 'sent' };
      return s.status === 'accepted' ? { qty, orderId: s.orderId, status: 'accepted' } : { qty, status: 'rejected', reason: s.reason };
    });
  }
  if (managed) out.managedProtection = managed;
  return out;
}

/** The slices of an order found in the orderbook under its tag, for the answer and the record. */
export function slicesFromOrderbook(found: { slices?: OrderReport[] }): Pick<OrderResult, 'slices'> {
  if (!found.slices) return {};
  return {
    slices: found.slices.map((o): OrderSlice =>
      o.state === 'working' || o.state === 'filled' || o.state === 'partially_filled'
        ? { qty: o.qty, orderId: o.orderId, status: 'accepted' }
        : { qty: o.qty, orderId: o.orderId, status: 'rejected', reason: o.message ?? `${o.state} at the broker` }),
  };
}

/** Filled only when the broker says every slice is. */
export const foundFilled = (found: { order: OrderReport; slices?: OrderReport[] }): boolean =>
  (found.slices ?? [found.order]).every((o) => o.state === 'filled');
