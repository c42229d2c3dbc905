/**
 * Every Cloud Run function the product deploys, by entry-point name. terraform/functions.tf deploys
 * exactly these; test/unit/terraform-consistency.test.ts keeps the two lists equal.
 */
export const FUNCTION_NAMES = [
  'webhook',
  'readyz',
  'authUrl',
  'authCallback',
  'refreshToken',
  'refreshSymbolMaster',
  'controls',
  'notify',
  'console',
  'orderUpdates',
  'reconcileOrders',
  'orderEventWebhooks',
  'squareOff',
] as const;

export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** The CloudEvent ones, each fed by a Pub/Sub push subscription. */
const CLOUD_EVENT_FUNCTION_NAMES: readonly FunctionName[] = ['notify', 'orderEventWebhooks'];

/** The HTTP ones. */
export const HTTP_FUNCTION_NAMES = FUNCTION_NAMES.filter((n) => !CLOUD_EVENT_FUNCTION_NAMES.includes(n));
