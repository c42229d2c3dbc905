import path from 'node:path';
import { sha256Hex } from '../../platform/ids';
import type { OAuthStateOutcome, OAuthStateStore } from '../oauth-state.port';
import { fileLocks } from './keyed-mutex';
import { readJsonFile, writeJsonFileAtomic } from './json-file';

interface StateEntry {
  expiresAt: number;
  usedAt?: number;
}

/** Entries this long past expiry are dropped, so the file stays small; by then `expired` vs `unknown` no longer matters. */
const FORGET_AFTER_MS = 24 * 3600_000;

/** Pending OAuth states in `<dir>/oauth-states.json`, keyed by the hash of the state value. */
export function createLocalOAuthStateStore(dir: string): OAuthStateStore {
  const file = path.resolve(dir, 'oauth-states.json');
  const load = async () => (await readJsonFile<Record<string, StateEntry>>(file)) ?? {};

  return {
    async create(state: string, expiresAtMs: number): Promise<void> {
      await fileLocks.run(file, async () => {
        const all = await load();
        // No clock is passed to create(); the new entry's expiry bounds how stale the others may be.
        const horizon = expiresAtMs - FORGET_AFTER_MS;
        const kept = Object.fromEntries(Object.entries(all).filter(([, e]) => e.expiresAt > horizon));
        kept[sha256Hex(state)] = { expiresAt: expiresAtMs };
        await writeJsonFileAtomic(file, kept, 0o600);
      });
    },

    async consume(state: string, nowMs: number): Promise<OAuthStateOutcome> {
      return fileLocks.run(file, async () => {
        const all = await load();
        const id = sha256Hex(state);
        const entry = all[id];
        if (!entry) return 'unknown';
        if (entry.usedAt !== undefined) return 'used';
        if (entry.expiresAt <= nowMs) return 'expired';
        all[id] = { ...entry, usedAt: nowMs };
        await writeJsonFileAtomic(file, all, 0o600);
        return 'ok';
      });
    },
  };
}
