import type { Alert } from './alert.schema';

/**
 * How an alert's `sl`/`tp` protect an INTRADAY or MARGIN order (PROTECTION):
 * - `legs`: sent with the order as Fyers' TP/SL legs (`stopLoss`/`takeProfit` offsets, `legType` 1 = points),
 *   which the current official SDK documents for INTRADAY/MARGIN;
 * - `bracket`: only through CO/BO, the way Fyers' older docs describe protection (sl/tp refused elsewhere);
 * - `managed`: the bridge watches the position and exits itself (the order-lifecycle work); the order
 *   goes out without legs and the levels are handed to that seam;
 * - `off`: sl/tp refused on INTRADAY/MARGIN.
 * CO and BO keep their own rules in every mode.
 */
export type ProtectionMode = 'legs' | 'bracket' | 'managed' | 'off';
export const PROTECTION_MODES: readonly ProtectionMode[] = ['legs', 'bracket', 'managed', 'off'];

/** Field → message for sl/tp on INTRADAY/MARGIN under a mode that does not protect them; empty when fine. */
export function protectionErrors(a: Pick<Alert, 'productType' | 'sl' | 'tp'>, mode: ProtectionMode): Record<string, string> {
  if (a.productType === 'CO' || a.productType === 'BO') return {};
  if (mode === 'legs' || mode === 'managed') return {};
  const why = mode === 'bracket' ? `PROTECTION=bracket protects only productType CO or BO, not ${a.productType}` : `PROTECTION=off: stop-loss and target are not accepted on ${a.productType}`;
  const errors: Record<string, string> = {};
  if (a.sl !== undefined) errors.sl = `is not accepted here: ${why}`;
  if (a.tp !== undefined) errors.tp = `is not accepted here: ${why}`;
  return errors;
}
