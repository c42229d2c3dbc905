import type { IdempotencyRecord } from '../store/idempotency.port';
import type { AlertRequest } from './alert-request';
import type { OrderResult } from './order-result';
import type { PlaceOrderDeps } from './place-order.deps';
import type { PreparedOrder } from './prepared-order';

/** A claim this request holds, and who holds it. */
export interface HeldClaim {
  record: IdempotencyRecord<OrderResult>;
  owner: string;
}

/** Frees the key when it is certain nothing reached the broker, so a retry (or a corrected alert) can go through. */
export async function releaseClaim(deps: PlaceOrderDeps, held: HeldClaim): Promise<void> {
  await deps.idempotency.release(held.record.key, held.owner).catch((err: unknown) => deps.logger.error('could not release a claim', { key: held.record.key, error: err }));
}

/** The outcome as far as the claim knows it: contract, side and size, no broker answer yet. */
export function baseResult(req: AlertRequest, p: PreparedOrder, record: IdempotencyRecord<OrderResult>, lots: number): OrderResult {
  return {
    status: 'unknown',
    requestId: req.requestId,
    symbol: p.instrument.ticker,
    side: p.side,
    productType: p.productType,
    lots,
    qty: lots * p.instrument.lotSize,
    orderTag: record.orderTag,
  };
}

/** Records the final outcome on the claim. Never throws: the order's fate is already decided. */
export async function finish(deps: PlaceOrderDeps, held: HeldClaim, result: OrderResult): Promise<void> {
  const key = held.record.key;
  try {
    const owned = await deps.idempotency.complete(key, held.owner, result, deps.clock());
    if (!owned) deps.logger.error('claim was lost before the result could be recorded', { key, status: result.status });
  } catch (e) {
    // A later retry recovers it by tag once the lease lapses.
    deps.logger.error('could not record the outcome of an alert', { key, status: result.status, error: e });
  }
}
