import { deliverOrderEvent, type DeliveryDeps } from '../../shared/orders/lifecycle/deliver-order-event';
import { ORDER_EVENT_SCHEMA, type OrderEventV1 } from '../../shared/orders/lifecycle/order-event';

export type OrderEventWebhooksDeps = DeliveryDeps;

/** The order event inside a Pub/Sub messagePublished CloudEvent (base64 JSON in message.data), or why not. */
export function decodeOrderEvent(eventData: unknown): { ok: true; event: OrderEventV1 } | { ok: false; reason: string } {
  const data = (eventData as { message?: { data?: unknown } } | undefined)?.message?.data;
  if (typeof data !== 'string' || data === '') return { ok: false, reason: 'not a Pub/Sub message with data' };
  try {
    const event = JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as OrderEventV1;
    if (event?.schema !== ORDER_EVENT_SCHEMA || typeof event.eventId !== 'string') return { ok: false, reason: 'not an order event v1' };
    return { ok: true, event };
  } catch {
    return { ok: false, reason: 'message data is not JSON' };
  }
}

/**
 * Push subscriber of `order-events`: delivers each event to the registered webhooks. An undecodable
 * message is acknowledged (redelivery cannot help); a failed delivery throws, so Pub/Sub retries with
 * backoff and dead-letters it after the subscription's maximum attempts.
 */
export async function handleOrderEventWebhooks(deps: OrderEventWebhooksDeps, cloudEvent: unknown): Promise<'delivered' | 'dropped'> {
  const decoded = decodeOrderEvent((cloudEvent as { data?: unknown } | undefined)?.data);
  if (!decoded.ok) {
    deps.logger.warn('dropping an undecodable order event', { reason: decoded.reason });
    return 'dropped';
  }
  await deliverOrderEvent(deps, decoded.event);
  return 'delivered';
}
