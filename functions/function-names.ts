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
] as const;

export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** The HTTP ones; `notify` is a CloudEvent function fed by Pub/Sub. */
export const HTTP_FUNCTION_NAMES = FUNCTION_NAMES.filter((n) => n !== 'notify');
