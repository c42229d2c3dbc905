import type { CloudEventFunction } from '@google-cloud/functions-framework';
import { handleOrderEventWebhooks, type OrderEventWebhooksDeps } from './order-event-webhooks.handler';

/** CloudEvent entry point fed by the order-events topic (push, with retries and a dead-letter topic). */
export const orderEventWebhooksFunction =
  (deps: () => Promise<OrderEventWebhooksDeps>): CloudEventFunction =>
  async (event) => {
    await handleOrderEventWebhooks(await deps(), event);
  };
