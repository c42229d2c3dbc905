import type { ProtectionMode } from '../alert/protection';
import type { OrderRequest, ProductType, Side } from '../broker/broker.port';
import { bracketOffsets } from '../orders/bracket';
import type { ExitSpec } from '../orders/execute/order-plan';
import { protectionFields } from '../orders/order-protection';

/**
 * A strategy's open is protected exactly as a single order would be: the same tick-rounded offsets,
 * sent as Fyers' TP/SL legs under PROTECTION=legs, or handed to the bridge's managed exits (armed when
 * the open fills) under PROTECTION=managed.
 */
export function openProtection(
  mode: ProtectionMode, productType: ProductType, side: Side, tickSize: number, sl: number | undefined, tp: number | undefined,
): { order: Pick<OrderRequest, 'stopLoss' | 'takeProfit' | 'legs'>; exits?: ExitSpec } {
  if (sl === undefined && tp === undefined) return { order: {} };
  const f = protectionFields(mode, productType, bracketOffsets({ side, tickSize, sl, tp }));
  if (!f.managed) return { order: f.order };
  return { order: f.order, exits: { slPoints: f.managed.stopLossOffset, tpPoints: f.managed.takeProfitOffset, tickSize } };
}
