import type { OrderResult } from '../order-result';
import type { PreparedOrder } from '../prepared-order';
import type { LifecycleDeps } from './lifecycle.deps';
import { recordAccepted } from './order-tracker';

/**
 * The order path's one call into the lifecycle: an accepted (or unknown) order becomes a record.
 * Writes only (no publishing, no broker calls), so it adds one store transaction to the alert and
 * nothing that can wait on Pub/Sub or a subscriber. Never throws: the alert's answer does not depend on it.
 */
export async function trackAcceptedOrder(deps: LifecycleDeps, result: OrderResult, p: PreparedOrder, tickSize: number): Promise<string | undefined> {
  if (result.status === 'rejected' || (!result.orderId && !result.orderTag)) return undefined;
  try {
    const managed = !p.reduceOnly && (await deps.settings.managedExits()) && (result.stopLossPrice !== undefined || result.takeProfitPrice !== undefined);
    const ref = p.orderType === 'LIMIT' ? p.limitPrice : result.ltp;
    const points = (level: number | undefined) => (level !== undefined && ref !== undefined ? Math.abs(ref - level) : undefined);
    return await recordAccepted(
      deps,
      {
        status: result.status,
        orderId: result.orderId,
        orderTag: result.orderTag,
        requestId: result.requestId,
        symbol: result.symbol,
        side: result.side,
        qty: result.qty,
        productType: result.productType,
        orderType: p.orderType,
        intent: p.reduceOnly ? 'close' : 'open',
        ...(managed ? { exits: { slPoints: points(result.stopLossPrice), tpPoints: points(result.takeProfitPrice), tickSize } } : {}),
      },
      { publishNow: false },
    );
  } catch (e) {
    deps.logger.error('could not record the accepted order; the reconcile cannot see it', { orderId: result.orderId, error: e });
    return undefined;
  }
}
