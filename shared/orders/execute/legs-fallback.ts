import type { Broker, PlaceOptions, PlaceOutcome } from '../../broker/broker.port';
import type { Notifier } from '../../notify/notifier.port';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { PlannedOrder } from './order-plan';

/** An order the broker refused for its TP/SL legs, and that has managed exits ready to take their place. */
export const legsRefused = (p: PlannedOrder, o: PlaceOutcome): boolean =>
  o.status === 'rejected' && o.legsRefused === true && p.order.legs !== undefined && p.exitsIfLegsRefused !== undefined;

/** The same order without its legs, holding the managed exits that stand in for them. */
export function withoutLegs(p: PlannedOrder): PlannedOrder {
  const order = { ...p.order };
  delete order.stopLoss;
  delete order.takeProfit;
  delete order.legs;
  const q: PlannedOrder = { ...p, order, exits: p.exitsIfLegsRefused };
  delete q.exitsIfLegsRefused;
  return q;
}

export interface FallbackDeps {
  broker: Broker;
  logger: Logger;
  /** The operator's channel and the clock that stamps what it says; absent (bare executors in tests): silent. */
  notify?: { notifier: Notifier; clock: Clock };
}

export interface Fallback {
  /** The order as it was finally sent (without legs), and the broker's answer to it. */
  order: PlannedOrder;
  outcome: PlaceOutcome;
  /** A plain sentence for the answer. */
  note: string;
}

/**
 * Never an unprotected position by surprise: when Fyers refuses an order because of its TP/SL legs, the
 * order is sent once more without them, under the same tag (a refusal at validation books no order, so
 * the tag still names one order; should Fyers ever book the refused one, recovery reads both) and the
 * bridge's managed exits protect it once it fills. The answer and the operator both hear it. Refused
 * again, the broker's reason stands. Sent only once: a second refusal is never retried.
 */
export async function placeWithoutLegs(deps: FallbackDeps, p: PlannedOrder, first: Extract<PlaceOutcome, { status: 'rejected' }>, opts: PlaceOptions, slice: boolean, requestId: string): Promise<Fallback | undefined> {
  const q = withoutLegs(p);
  let outcome: PlaceOutcome;
  try {
    outcome = await deps.broker.placeOrder(slice ? { ...q.order, slice: true } : q.order, opts);
  } catch (e) {
    // Certainly not sent: the first refusal stands (and says why).
    deps.logger.warn('the order without legs could not be sent; the legs refusal stands', { symbol: p.order.symbol, error: e });
    return undefined;
  }
  const what = `${p.order.side} ${p.order.qty} ${p.order.symbol}`;
  const note = outcome.status === 'rejected'
    ? `Fyers refused the TP/SL legs (${first.reason}) and then the order without them: ${outcome.reason}`
    : `Fyers refused the TP/SL legs (${first.reason}); the order was sent once without them and the bridge's managed exits will place the stop/target when it fills.`;
  await deps.notify?.notifier.notify({
    kind: 'protection.fallback',
    severity: outcome.status === 'placed' ? 'warning' : 'critical',
    summary: `${what}: ${note}`,
    requestId,
    at: deps.notify.clock(),
    details: { orderTag: p.order.orderTag, legsRefusal: first.reason, code: first.code },
  }).catch((e: unknown) => deps.logger.error('could not notify the operator of a legs fallback', { error: e }));
  return { order: q, outcome, note };
}
