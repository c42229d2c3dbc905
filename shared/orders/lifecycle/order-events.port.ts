import type { OrderEventV1 } from './order-event';

/** Where order events go (Pub/Sub topic `order-events` in the cloud, the log locally). */
export interface OrderEventPublisher {
  /** Resolves once the event is accepted by the transport; throws when it was not (the outbox retries it). */
  publish(event: OrderEventV1): Promise<void>;
}
