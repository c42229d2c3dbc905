import type { Notification } from '../notify/notifier.port';
import type { OrderResult } from './order-result';
import type { PlaceOrderDeps } from './place-order.deps';

/** Where the outcome was established: the send's own answer, or a lookup for an earlier attempt. */
export type OutcomeStage = { stage: 'sent' } | { stage: 'recovered'; previous: string };

/**
 * What the operator must hear about an alert's outcome, or nothing: a placed order sent just now is
 * the normal case. Rejections warn; unknown outcomes are critical (a human must check the orderbook);
 * anything recovered from an earlier attempt is worth a look.
 */
export function outcomeNotification(result: OrderResult, how: OutcomeStage, requestId: string, at: number): Notification | undefined {
  const what = `${result.symbol} ${result.side} ${result.qty}`;
  const tag = result.orderTag ?? '(untagged)';
  if (result.status === 'unknown') {
    return {
      kind: 'order.unknown',
      severity: 'critical',
      summary:
        how.stage === 'recovered'
          ? `Order for ${what} is still UNKNOWN after a retry; check the Fyers orderbook${result.orderTag ? ` for tag ${result.orderTag}` : ''}`
          : `Order for ${what} has an UNKNOWN outcome; check the Fyers orderbook for tag ${tag}`,
      requestId,
      at,
      details: how.stage === 'recovered' ? { previous: how.previous, orderTag: result.orderTag } : { orderTag: result.orderTag, brokerCode: result.brokerCode },
    };
  }
  if (how.stage === 'recovered') {
    return {
      kind: 'order.recovered',
      severity: 'warning',
      summary: `Recovered ${result.status} order ${result.orderId} for ${result.symbol} by ${result.recoveredBy}`,
      requestId,
      at,
      details: { previous: how.previous },
    };
  }
  if (result.status === 'rejected') {
    return {
      kind: 'order.rejected',
      severity: 'warning',
      summary: `Order for ${what} rejected: ${result.reason}`,
      requestId,
      at,
      details: { orderTag: result.orderTag, brokerCode: result.brokerCode },
    };
  }
  return undefined;
}

export async function notifyOutcome(deps: Pick<PlaceOrderDeps, 'notifier' | 'clock' | 'logger'>, result: OrderResult, how: OutcomeStage, requestId: string): Promise<void> {
  const n = outcomeNotification(result, how, requestId, deps.clock());
  if (n) await deps.notifier.notify(n).catch((e: unknown) => deps.logger.error('could not notify the operator', { kind: n.kind, error: e }));
}
