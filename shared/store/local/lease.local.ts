import path from 'node:path';
import type { LeaseStore } from '../lease.port';
import { fileLocks } from './keyed-mutex';
import { readJsonFile, removeFile, writeJsonFileAtomic } from './json-file';

interface LeaseFile {
  owner: string;
  until: number;
}

/** Leases as `<dir>/leases/<name>.json`; single-flight within this process (see KeyedMutex). */
export function createLocalLeaseStore(dir: string): LeaseStore {
  const root = path.resolve(dir, 'leases');
  const fileFor = (name: string) => path.join(root, `${encodeURIComponent(name)}.json`);

  return {
    async tryAcquire(name: string, owner: string, ttlMs: number, nowMs: number): Promise<boolean> {
      const file = fileFor(name);
      return fileLocks.run(file, async () => {
        const held = await readJsonFile<LeaseFile>(file);
        if (held && held.owner !== owner && held.until > nowMs) return false;
        await writeJsonFileAtomic(file, { owner, until: nowMs + ttlMs } satisfies LeaseFile);
        return true;
      });
    },

    async release(name: string, owner: string): Promise<void> {
      const file = fileFor(name);
      await fileLocks.run(file, async () => {
        const held = await readJsonFile<LeaseFile>(file);
        if (held?.owner === owner) await removeFile(file);
      });
    },
  };
}
