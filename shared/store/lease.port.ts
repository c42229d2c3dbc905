/**
 * A named single-flight lease: at most one owner holds `name` until its lease lapses, so a job that
 * must not run twice at once (token refresh, symbol-master download) runs on one instance only.
 * A holder that dies simply stops renewing and the lease frees itself after `ttlMs`.
 */
export interface LeaseStore {
  /**
   * Takes the lease when it is free or lapsed, or renews it when `owner` already holds it.
   * Returns false (and changes nothing) while another owner holds a live lease.
   */
  tryAcquire(name: string, owner: string, ttlMs: number, nowMs: number): Promise<boolean>;
  /** Frees the lease early; ignored unless `owner` holds it. */
  release(name: string, owner: string): Promise<void>;
}
