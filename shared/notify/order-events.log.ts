import type { Logger } from '../platform/logger';

/** Local runs: order events go to the log (and to any in-process listener, e.g. webhook delivery). */
export function createLogOrderEventPublisher<E extends { eventId: string; type: string }>(logger: Logger, listener?: (e: E) => Promise<void>): { publish(event: E): Promise<void> } {
  return {
    async publish(event: E) {
      logger.info('order event', { eventId: event.eventId, type: event.type });
      if (listener) await listener(event).catch((e: unknown) => logger.warn('order event listener failed', { eventId: event.eventId, error: e }));
    },
  };
}
