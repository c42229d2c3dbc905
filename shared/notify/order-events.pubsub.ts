import type { Topic } from '@google-cloud/pubsub';

/** What the transport needs of an event (the order lifecycle's OrderEventV1 has these and more). */
export interface PublishableEvent {
  schema: string;
  type: string;
  eventId: string;
}

/**
 * Publishes an order event as JSON with `schema`, `type` and `eventId` attributes (subscriptions can
 * filter on type). Bounded wait: the client retries for minutes when Pub/Sub is unreachable, and
 * the outbox will publish a late event again, so a slow publish is reported as a failure.
 */
export function createPubSubOrderEventPublisher(topic: Topic, opts: { timeoutMs?: number } = {}): { publish(event: PublishableEvent): Promise<void> } {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  return {
    async publish(event: PublishableEvent) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`order event publish took longer than ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([topic.publishMessage({ json: event, attributes: { schema: event.schema, type: event.type, eventId: event.eventId } }), timedOut]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
