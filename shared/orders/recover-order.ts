import { AppError, DependencyUnavailableError } from '../errors';
import type { IdempotencyStatus } from '../store/idempotency.port';
import type { AlertOutcome } from './alert-outcome';
import type { AlertTrace } from './alert-trace';
import { findExistingOrder, resultFromFound } from './find-existing-order';
import { notifyOutcome } from './notify-outcome';
import type { OrderResult } from './order-result';
import type { PlaceOrderDeps } from './place-order.deps';
import type { AlertRequest } from './alert-request';
import { baseResult, finish, releaseClaim, type HeldClaim } from './held-claim';
import type { PreparedOrder } from './prepared-order';
import type { OrderPlan } from './execute/order-plan';

/** The alert's order as its plan said, for recording what an earlier attempt of it left at the broker. */
function adoptionPlan(req: AlertRequest, p: PreparedOrder, orderTag: string | undefined): OrderPlan {
  const qty = p.lots * p.instrument.lotSize;
  return {
    requestId: req.requestId,
    orders: [{
      n: 0, intent: p.reduceOnly ? 'close' : 'open', lots: p.lots, lotSize: p.instrument.lotSize, freezeQty: p.freezeQty,
      order: { symbol: p.instrument.ticker, qty, side: p.side, orderType: p.orderType, limitPrice: p.limitPrice, productType: p.productType, orderTag },
    }],
  };
}

/**
 * A claim taken over from an earlier attempt whose outcome is not known (its owner died, or Fyers never
 * confirmed the send). The orderbook decides:
 * - the order is there → its outcome, recorded and reported (a cancelled or expired one is not "placed");
 * - it is not, and the attempt was `unknown` or carried no tag (a claim from before CO/BO were retired) → still unknown, for a human: "not
 *   found" proves nothing there, and a second order is worse than a missing one;
 * - it is not, and the tag would have shown it → undefined: the caller places the order, once.
 */
export async function recoverEarlierAttempt(
  deps: PlaceOrderDeps,
  req: AlertRequest,
  prepared: PreparedOrder,
  held: HeldClaim,
  previous: IdempotencyStatus,
  trace: AlertTrace,
): Promise<AlertOutcome | undefined> {
  const { record } = held;
  let existing;
  try {
    existing = await findExistingOrder(deps.broker, { orderTag: record.orderTag });
  } catch (e) {
    // We cannot tell whether the earlier attempt reached the broker: the claim goes back to its state
    // (release of a takeover restores it), so a TradingView resend only repeats this lookup.
    await releaseClaim(deps, held);
    throw e instanceof AppError ? e : new DependencyUnavailableError('Could not check the orderbook for an earlier attempt', undefined, { cause: e });
  }
  if (existing) {
    trace.brokerResponse = { recovered: { orderId: existing.order.orderId, state: existing.order.state, method: existing.method } };
    const result: OrderResult = {
      ...baseResult(req, prepared, record, record.result?.lots ?? prepared.lots),
      ...(record.result ?? {}),
      requestId: record.result?.requestId ?? record.requestId,
      ...resultFromFound(existing),
    };
    // The earlier attempt may have died before its record was written: the order is adopted as this alert's.
    const adopt = deps.executor.adopt(adoptionPlan(req, prepared, record.orderTag), existing.slices ?? [existing.order]);
    [, [trace.orderRecordId]] = await Promise.all([finish(deps, held, result), adopt]);
    await notifyOutcome(deps, result, { stage: 'recovered', previous }, req.requestId);
    return { kind: result.status, result };
  }
  if (previous === 'unknown' || !record.orderTag) {
    const result: OrderResult = {
      ...baseResult(req, prepared, record, prepared.lots),
      ...(record.result ?? {}),
      status: 'unknown',
      reason:
        previous === 'unknown'
          ? 'An earlier attempt was sent but never confirmed, and the orderbook does not show it yet'
          : 'An earlier attempt of this order carried no tag and was interrupted, so it cannot be looked up; not re-sending',
    };
    await finish(deps, held, result);
    await notifyOutcome(deps, result, { stage: 'recovered', previous }, req.requestId);
    return { kind: 'unknown', result };
  }
  // The previous owner died holding the claim, and the orderbook shows nothing under its tag:
  // the order never reached the broker, so placing it now is the one and only placement.
  deps.logger.warn('taking over an abandoned claim; no order found at the broker', { key: record.key, takeovers: record.takeovers, previous });
  return undefined;
}
