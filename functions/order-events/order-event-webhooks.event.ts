import type { CloudEventFunction } from '@google-cloud/functions-framework';
import { getDeps } from '../composition';
import { handleOrderEventWebhooks } from './order-event-webhooks.handler';

/** CloudEvent entry point fed by the order-events topic (push, with retries and a dead-letter topic). */
export const orderEventWebhooks: CloudEventFunction = async (event) => {
  await handleOrderEventWebhooks((await getDeps()).orderEventWebhooks, event);
};
