import type { RawAlert } from './alert.schema';
import { describeOffset, isPct, type Offset } from './offset';

/**
 * How an alert's `sl`/`tp` (and `trail`) protect an INTRADAY or MARGIN order (PROTECTION):
 * - `legs`: sent with the order as Fyers' TP/SL legs (`stopLoss`/`takeProfit` offsets, `legType` 1 points,
 *   2 percent), which the current official SDKs document for INTRADAY/MARGIN;
 * - `managed`: the bridge watches the position and exits itself (the order-lifecycle work); the order
 *   goes out without legs and the levels are computed from the fill;
 * - `off`: sl/tp refused.
 * There is no CO/BO mode any more: Fyers answers -1800 to both products, so an alert naming them is
 * carried as INTRADAY with the same offsets (see carryRetiredProduct).
 */
export type ProtectionMode = 'legs' | 'managed' | 'off';
export const PROTECTION_MODES: readonly ProtectionMode[] = ['legs', 'managed', 'off'];

type Protected = Pick<RawAlert, 'productType' | 'sl' | 'tp' | 'trail'>;

/** Field → message for protection a mode cannot give; empty when fine. */
export function protectionErrors(a: Protected, mode: ProtectionMode): Record<string, string> {
  const errors: Record<string, string> = {};
  if (mode === 'off') {
    const why = `PROTECTION=off: stop-loss, target and trail are not accepted on ${a.productType}`;
    if (a.sl !== undefined) errors.sl = `is not accepted here: ${why}`;
    if (a.tp !== undefined) errors.tp = `is not accepted here: ${why}`;
    if (a.trail !== undefined) errors.trail = `is not accepted here: ${why}`;
    return errors;
  }
  if (a.trail !== undefined && mode !== 'managed') errors.trail = 'needs PROTECTION=managed: Fyers TP/SL legs do not trail, the bridge moves the stop itself';
  if (a.trail !== undefined && a.sl === undefined) errors.trail = 'needs an sl: the trail moves that stop';
  if (mode === 'legs' && a.sl !== undefined && a.tp !== undefined && isPct(a.sl) !== isPct(a.tp)) {
    errors.tp = 'must be in the same unit as sl (both points or both percent) to go as Fyers TP/SL legs';
  }
  return errors;
}

/**
 * CO and BO are retired at Fyers (HTTP 400, code -1800). An alert that still says so is carried as
 * INTRADAY with the same offsets (CO: the stop only), as legs or as managed exits, and the answer says so
 * in a plain sentence. Refused (field → message) where that cannot be done faithfully.
 */
export function carryRetiredProduct(a: Protected, mode: ProtectionMode): { errors: Record<string, string>; note?: string } {
  const product = a.productType;
  if (product !== 'CO' && product !== 'BO') return { errors: {} };
  const errors: Record<string, string> = {};
  if (mode === 'off') {
    errors.productType = `${product} is retired at Fyers and PROTECTION=off cannot carry its stop: send productType INTRADAY without sl/tp`;
    return { errors };
  }
  if (a.sl === undefined) errors.sl = `is required for productType ${product}`;
  if (product === 'BO' && a.tp === undefined) errors.tp = 'is required for productType BO';
  if (product === 'CO' && a.tp !== undefined) errors.tp = 'is not supported for productType CO (a cover order has a stop only; use INTRADAY with sl and tp)';
  if (Object.keys(errors).length) return { errors };
  const parts = [`a stop-loss of ${describeOffset(a.sl as Offset)}`, ...(a.tp !== undefined ? [`a target of ${describeOffset(a.tp)}`] : [])].join(' and ');
  const how = mode === 'managed' ? `with managed exits (${parts}) placed by the bridge once it fills` : `with TP/SL legs: ${parts}`;
  return { errors, note: `productType ${product} is retired at Fyers, so this order was sent as INTRADAY ${how}.` };
}
