import path from 'node:path';
import { DependencyUnavailableError } from '../../errors';
import { sha256Hex } from '../../platform/ids';
import type { ClaimInput, ClaimResult, FinishedResult, IdempotencyRecord, IdempotencyStore } from '../idempotency.port';
import { decideClaim, decideComplete, decideRelease } from '../idempotency-rules';
import type { StoreHealth } from '../store-health';
import { isIdempotencyRecord } from '../stored-shapes';
import { fileLocks } from './keyed-mutex';
import { readCheckedJsonFile, removeFile, UnreadableFileError, writeJsonFileAtomic } from './json-file';

/**
 * Idempotency records as one JSON file per key under `<dir>/idempotency/`. Claims are atomic within
 * this process only: run a single instance on the local store (Firestore is the multi-instance store).
 * A record file that exists but is unreadable is never taken for absent: the alert is refused (503,
 * nothing sent) until an operator has checked the broker and removed or repaired the file.
 */
export function createLocalIdempotencyStore<R extends FinishedResult = FinishedResult>(dir: string, health?: StoreHealth): IdempotencyStore<R> {
  const root = path.resolve(dir, 'idempotency');
  // Keys come from alert bodies; hashing keeps them safe as file names.
  const fileFor = (key: string) => path.join(root, `${sha256Hex(key)}.json`);
  const read = async (file: string): Promise<IdempotencyRecord<R> | undefined> => {
    try {
      // The check covers the store's part of the record (the result's own fields belong to the caller).
      return (await readCheckedJsonFile(file, isIdempotencyRecord)) as IdempotencyRecord<R> | undefined;
    } catch (e) {
      if (!(e instanceof UnreadableFileError)) throw e;
      const name = path.basename(file);
      health?.unreadable(`idempotency/${name}`, `The idempotency record ${name} is unreadable: its alert is refused until the file is checked against the broker and removed`, () =>
        readCheckedJsonFile(file, isIdempotencyRecord).then(() => true, () => false),
      );
      throw new DependencyUnavailableError('The record of this alert is unreadable; nothing was sent and an operator has been told', { record: name });
    }
  };

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
