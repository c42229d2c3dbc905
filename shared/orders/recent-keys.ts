import type { Clock } from '../platform/clock';

/**
 * Alert keys this instance has claimed lately. A key seen before is most likely a resend, which the
 * claim will answer as a duplicate or in-flight: for it the ATM spot quote waits for the claim instead
 * of running beside it, so a resend costs no broker call. Memory only, bounded; forgetting a key only
 * costs one quote.
 */
export interface RecentKeys {
  has(key: string): boolean;
  add(key: string): void;
}

export function createRecentKeys(opts: { clock: Clock; ttlMs: number; max: number }): RecentKeys {
  const seen = new Map<string, number>();
  return {
    has(key) {
      const at = seen.get(key);
      if (at === undefined) return false;
      if (opts.clock() - at < opts.ttlMs) return true;
      seen.delete(key);
      return false;
    },
    add(key) {
      seen.delete(key);
      seen.set(key, opts.clock());
      // Insertion order is age order: drop the oldest beyond the bound.
      while (seen.size > opts.max) seen.delete(seen.keys().next().value!);
    },
  };
}
