import type { ProtectionMode } from '../alert/protection';
import type { OrderRequest, ProductType } from '../broker/broker.port';

export interface ProtectionOffsets {
  stopLossOffset?: number;
  takeProfitOffset?: number;
}

/**
 * What of an alert's protection goes on the order itself. CO/BO carry their offsets as Fyers defines them
 * for those products. On INTRADAY/MARGIN, `legs` sends the offsets as TP/SL legs in points; `managed`
 * sends none and hands the offsets to the bridge's own exit management (the order-lifecycle work reads
 * `managed` from here); `bracket`/`off` never get here with offsets (parseAlert refuses them).
 */
export function protectionFields(
  mode: ProtectionMode,
  productType: ProductType,
  offsets: ProtectionOffsets,
): { order: Pick<OrderRequest, 'stopLoss' | 'takeProfit' | 'legs'>; managed?: ProtectionOffsets } {
  const { stopLossOffset: stopLoss, takeProfitOffset: takeProfit } = offsets;
  const any = stopLoss !== undefined || takeProfit !== undefined;
  if (productType === 'CO' || productType === 'BO') return { order: { stopLoss, takeProfit } };
  if (!any) return { order: {} };
  if (mode === 'managed') {
    return { order: {}, managed: { ...(stopLoss !== undefined ? { stopLossOffset: stopLoss } : {}), ...(takeProfit !== undefined ? { takeProfitOffset: takeProfit } : {}) } };
  }
  return { order: { stopLoss, takeProfit, legs: 'points' } };
}
