import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { applyHoldingChange, holdingId, holdsAnything, type Holding, type HoldingsStore } from '../holdings.port';
import { fileLocks } from './keyed-mutex';
import { readJsonFile, writeJsonFileAtomic } from './json-file';

/** Holdings as `<dir>/<strategy|underlying>.json`; atomic within this process (see KeyedMutex). */
export function createLocalHoldingsStore(dir: string): HoldingsStore {
  const root = path.resolve(dir);
  const fileFor = (strategy: string, underlying: string) => path.join(root, `${encodeURIComponent(holdingId(strategy, underlying))}.json`);

  return {
    get: (strategy, underlying) => readJsonFile<Holding>(fileFor(strategy, underlying)),

    async list(filter) {
      let names: string[];
      try {
        names = await readdir(root);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
      const out: Holding[] = [];
      for (const n of names.filter((x) => x.endsWith('.json'))) {
        const h = await readJsonFile<Holding>(path.join(root, n));
        if (!h || !holdsAnything(h)) continue;
        if (filter.strategy !== undefined && h.strategy !== filter.strategy) continue;
        if (filter.underlying !== undefined && h.underlying !== filter.underlying) continue;
        out.push(h);
      }
      return out;
    },

    apply(strategy, underlying, change) {
      const file = fileFor(strategy, underlying);
      return fileLocks.run(file, async () => {
        const next = applyHoldingChange(await readJsonFile<Holding>(file), strategy, underlying, change);
        await writeJsonFileAtomic(file, next);
        return next;
      });
    },
  };
}
