import type { ProtectionMode } from '../alert/protection';
import type { Offset } from '../alert/offset';
import type { Side } from '../broker/broker.port';
import type { PlannedOrder } from '../orders/execute/order-plan';
import { protectionFor, type Protection } from '../orders/order-protection';

/**
 * A strategy's open is protected exactly as a single order would be (protectionFor): Fyers' TP/SL legs
 * under PROTECTION=legs (with managed exits kept ready should Fyers refuse the legs), or the bridge's
 * managed exits (armed when the open fills) under PROTECTION=managed. Returns what goes on the planned order.
 */
export function openProtection(
  mode: ProtectionMode, side: Side, tickSize: number, sl: Offset | undefined, tp: Offset | undefined, trail?: Offset,
): { order: Protection['order']; plan: Pick<PlannedOrder, 'exits' | 'exitsIfLegsRefused'> } {
  const p = protectionFor(mode, side, tickSize, { sl, tp, trail });
  return {
    order: p.order,
    plan: { ...(p.exits ? { exits: p.exits } : {}), ...(p.exitsIfLegsRefused ? { exitsIfLegsRefused: p.exitsIfLegsRefused } : {}) },
  };
}
