import type { Logger } from '../platform/logger';
import type { OrderEventPublisher } from './order-events.port';

/** Local runs: order events go to the log (and to any in-process listener, e.g. webhook delivery). */
export function createLogOrderEventPublisher(logger: Logger, listener?: (e: Parameters<OrderEventPublisher['publish']>[0]) => Promise<void>): OrderEventPublisher {
  return {
    async publish(event) {
      logger.info('order event', { eventId: event.eventId, type: event.type, orderId: event.orderId, filledQty: event.filledQty });
      if (listener) await listener(event).catch((e: unknown) => logger.warn('order event listener failed', { eventId: event.eventId, error: e }));
    },
  };
}
