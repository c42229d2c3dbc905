import path from 'node:path';
import { sha256Hex } from '../../platform/ids';
import type { ClaimInput, ClaimResult, FinishedResult, IdempotencyRecord, IdempotencyStore } from '../idempotency.port';
import { decideClaim, decideComplete, decideRelease } from '../idempotency-rules';
import { fileLocks } from './keyed-mutex';
import { readJsonFile, removeFile, writeJsonFileAtomic } from './json-file';

/**
 * Idempotency records as one JSON file per key under `<dir>/idempotency/`. Claims are atomic within
 * this process only: run a single instance on the local store (Firestore is the multi-instance store).
 */
export function createLocalIdempotencyStore<R extends FinishedResult = FinishedResult>(dir: string): IdempotencyStore<R> {
  const root = path.resolve(dir, 'idempotency');
  // Keys come from alert bodies; hashing keeps them safe as file names.
  const fileFor = (key: string) => path.join(root, `${sha256Hex(key)}.json`);
  const read = (file: string) => readJsonFile<IdempotencyRecord<R>>(file);

  return {
    async claim(input: ClaimInput): Promise<ClaimResult<R>> {
      const file = fileFor(input.key);
      return fileLocks.run(file, async () => {
        const decision = decideClaim(await read(file), input);
        if (decision.write) await writeJsonFileAtomic(file, decision.write);
        return decision.result;
      });
    },

    async complete(key: string, owner: string, result: R, nowMs: number): Promise<boolean> {
      const file = fileFor(key);
      return fileLocks.run(file, async () => {
        const next = decideComplete(await read(file), owner, result, nowMs);
        if (!next) return false;
        await writeJsonFileAtomic(file, next);
        return true;
      });
    },

    async release(key: string, owner: string): Promise<void> {
      const file = fileFor(key);
      await fileLocks.run(file, async () => {
        const decision = decideRelease(await read(file), owner);
        if (decision.kind === 'delete') await removeFile(file);
        else if (decision.kind === 'write') await writeJsonFileAtomic(file, decision.record);
      });
    },

    get(key: string): Promise<IdempotencyRecord<R> | undefined> {
      return read(fileFor(key));
    },
  };
}
