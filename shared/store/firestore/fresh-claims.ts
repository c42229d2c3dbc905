import type { Timestamp } from '@google-cloud/firestore';
import type { FinishedResult, IdempotencyRecord } from '../idempotency.port';

/** A claim this instance created itself: the record it wrote and the write's time. */
export interface FreshClaim {
  record: IdempotencyRecord<FinishedResult>;
  writeTime: Timestamp;
}

/**
 * What the idempotency store tells the alert commit about the claims it just created, so the commit can
 * write the outcome blind, guarded by the claim's update time, in one round trip instead of reading it
 * first. Knowing a claim here is only a hint: the guard fails, and the commit falls back to reading,
 * whenever anyone touched the claim since. Forgetting one only costs that read.
 */
export interface FreshClaims {
  note(key: string, owner: string, claim: FreshClaim): void;
  /** The claim as created, removed from the notes (a commit uses it once). */
  take(key: string, owner: string): FreshClaim | undefined;
  /** The claim will not be committed blind (released, completed another way). */
  drop(key: string, owner: string): void;
  readonly size: number;
}

/**
 * Kept per instance, bounded: an alert that never reaches its commit (crashed, or finished in a way that
 * neither commits nor releases) must not hold its note for the life of the instance. The oldest note goes
 * first; the default is far above the alerts an instance has in flight at once (80 at most).
 */
export function createFreshClaims(limit = 1000): FreshClaims {
  const notes = new Map<string, FreshClaim>();
  // Keys are whatever a sender chose, so no separator is safe: a JSON pair keeps any two strings apart.
  const id = (key: string, owner: string) => JSON.stringify([key, owner]);
  return {
    note(key, owner, claim) {
      const k = id(key, owner);
      notes.delete(k);
      notes.set(k, claim);
      while (notes.size > limit) notes.delete(notes.keys().next().value!);
    },
    take(key, owner) {
      const k = id(key, owner);
      const claim = notes.get(k);
      notes.delete(k);
      return claim;
    },
    drop(key, owner) {
      notes.delete(id(key, owner));
    },
    get size() {
      return notes.size;
    },
  };
}
