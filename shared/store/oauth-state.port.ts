/**
 * Single-use OAuth `state` values, so a login callback is only accepted for a login this service
 * started, once, and only shortly after. Stored as a hash: the value itself never rests in a store.
 */
export type OAuthStateOutcome = 'ok' | 'unknown' | 'expired' | 'used';

export interface OAuthStateStore {
  create(state: string, expiresAtMs: number): Promise<void>;
  /** Marks the state used in the same atomic step as checking it, so two callbacks cannot both pass. */
  consume(state: string, nowMs: number): Promise<OAuthStateOutcome>;
}
