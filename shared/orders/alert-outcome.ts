import type { OrderResult } from './order-result';

/** The four ways an accepted alert can end. Refusals are thrown as AppErrors instead. */
export type AlertOutcome =
  | { kind: 'placed'; result: OrderResult }
  | { kind: 'duplicate'; result: OrderResult }
  | { kind: 'rejected'; result: OrderResult }
  | { kind: 'unknown'; result: OrderResult };
