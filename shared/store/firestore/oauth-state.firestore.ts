import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { sha256Hex } from '../../platform/ids';
import type { OAuthStateOutcome, OAuthStateStore } from '../oauth-state.port';
import { compareAndSet } from './compare-and-set';
import { collectionName, guarded, type FirestoreStoreOptions } from './firestore-docs';

/**
 * OAuth states in `<prefix>oauthStates/<sha256(state)>`. `expiresAt` is a Timestamp so a TTL policy
 * can clean old ones up; consume() decides from the stored time, not from whether TTL ran yet.
 */
export function createFirestoreOAuthStateStore(db: Firestore, options: FirestoreStoreOptions = {}): OAuthStateStore {
  const col = db.collection(collectionName(options, 'oauthStates'));

  return {
    async create(state: string, expiresAtMs: number): Promise<void> {
      await guarded('save an OAuth state', () => col.doc(sha256Hex(state)).set({ expiresAt: Timestamp.fromMillis(expiresAtMs) }));
    },

    consume(state: string, nowMs: number): Promise<OAuthStateOutcome> {
      const doc = col.doc(sha256Hex(state));
      return guarded('check an OAuth state', () =>
        compareAndSet<OAuthStateOutcome>(doc, (data) => {
          if (!data) return { result: 'unknown' };
          if (data.usedAt !== undefined) return { result: 'used' };
          if ((data.expiresAt as Timestamp).toMillis() <= nowMs) return { result: 'expired' };
          return { result: 'ok', write: { usedAt: nowMs } };
        }),
      );
    },
  };
}
