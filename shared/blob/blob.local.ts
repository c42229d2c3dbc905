import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../platform/clock';
import type { BlobMeta, BlobStore } from './blob.port';

/**
 * A folder that behaves like a versioned Cloud Storage bucket, for local runs.
 *
 * Each object is a directory; each generation is one immutable file `<n>.blob` holding a JSON header
 * line and then the bytes. The generation counter is the file name itself: a writer prepares a temp
 * file and publishes it with `link()`, which fails with EEXIST if another writer (even another process)
 * already claimed that number. That one atomic step is the compare-and-swap, so a half-written object
 * is never visible and two writers can never both win. Older generations are kept (like object
 * versioning) up to `keepGenerations`.
 */
export function createLocalBlobStore(root: string, clock: Clock, opts: { keepGenerations?: number } = {}): BlobStore {
  const keep = Math.max(1, opts.keepGenerations ?? 20);

  const dirOf = (name: string) => {
    const enc = encodeURIComponent(name);
    if (!name || enc === '.' || enc === '..') throw new RangeError(`invalid blob name: ${JSON.stringify(name)}`);
    return path.join(root, enc);
  };

  const generations = async (dir: string): Promise<number[]> => {
    let entries: string[];
    try {
      entries = await fs.readdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return entries.flatMap((f) => /^(\d+)\.blob$/.exec(f)?.[1] ?? []).map(Number).sort((a, b) => a - b);
  };

  const load = async (dir: string, gen: number): Promise<{ data: Buffer; meta: BlobMeta } | undefined> => {
    let raw: Buffer;
    try {
      raw = await fs.readFile(path.join(dir, `${gen}.blob`));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    const nl = raw.indexOf(0x0a);
    const header = JSON.parse(raw.subarray(0, nl).toString('utf8')) as { updated: number; metadata?: Record<string, string> };
    const data = raw.subarray(nl + 1);
    return {
      data,
      meta: { generation: String(gen), updated: header.updated, size: data.length, ...(header.metadata ? { metadata: header.metadata } : {}) },
    };
  };

  const current = async (dir: string) => (await generations(dir)).at(-1);

  return {
    async stat(name) {
      const dir = dirOf(name);
      const gen = await current(dir);
      return gen === undefined ? undefined : (await load(dir, gen))?.meta;
    },

    async read(name, generation) {
      const dir = dirOf(name);
      const gen = generation !== undefined ? Number(generation) : await current(dir);
      if (gen === undefined || !Number.isSafeInteger(gen) || gen <= 0) return undefined;
      return load(dir, gen);
    },

    async write(name, data, opts) {
      const dir = dirOf(name);
      await fs.mkdir(dir, { recursive: true });
      const header = { updated: clock(), contentType: opts.contentType, ...(opts.metadata ? { metadata: opts.metadata } : {}) };
      const tmp = path.join(dir, `.tmp-${randomBytes(6).toString('hex')}`);
      await fs.writeFile(tmp, Buffer.concat([Buffer.from(JSON.stringify(header) + '\n'), data]));
      try {
        for (;;) {
          const gen = (await current(dir)) ?? 0;
          if (opts.ifGeneration !== undefined && String(gen) !== opts.ifGeneration) return undefined;
          try {
            await fs.link(tmp, path.join(dir, `${gen + 1}.blob`));
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
            // Someone else published gen+1 first: a conditional write lost; an unconditional one retries on top.
            if (opts.ifGeneration !== undefined) return undefined;
            continue;
          }
          await prune(dir, gen + 1 - keep);
          return { generation: String(gen + 1), updated: header.updated, size: data.length, ...(opts.metadata ? { metadata: opts.metadata } : {}) };
        }
      } finally {
        await fs.rm(tmp, { force: true });
      }
    },
  };

  async function prune(dir: string, olderThanOrAt: number) {
    for (const g of await generations(dir)) if (g <= olderThanOrAt) await fs.rm(path.join(dir, `${g}.blob`), { force: true });
  }
}
