import type { PaperBookStore } from '../paper-book.port';
import { fileLocks } from './keyed-mutex';
import { readJsonFile, writeJsonFileAtomic } from './json-file';

/** The paper book as one JSON file; atomic within this process (the local server is one process). */
export function createLocalPaperBook<S>(file: string): PaperBookStore<S> {
  return {
    read: () => readJsonFile<S>(file),
    update: (decide) =>
      fileLocks.run(file, async () => {
        const { next, result } = decide(await readJsonFile<S>(file));
        if (next !== undefined) await writeJsonFileAtomic(file, next);
        return result;
      }),
  };
}
