import type { BlobStore } from '../blob/blob.port';
import { DependencyUnavailableError } from '../errors';
import type { Clock } from '../platform/clock';
import { istParts } from '../platform/ist';
import type { Instrument, SymbolIndex } from './instrument';
import { parseSymbolMaster } from './parse-symbol-master';
import { SAMPLE_UNDERLYINGS, sampleContractCount, sampleSessionCells, sampleSymbolMaster } from './sample-symbol-master';
import { sectionedSymbolIndex } from './sectioned-symbol-index';
import { buildSymbolIndex } from './symbol-index';
import { sessionsFromCells } from './trading-session';
import { decodeSymbolIndex, decodeSymbolIndexPaced } from './symbol-index.codec';
import type { SymbolIndexLoader } from './symbol-source';

/** Parses CSV texts and builds one index; refuses when nothing usable came out, so the source keeps the old one. */
export function indexFromCsv(
  texts: { name: string; csv: string }[],
  version: string,
  check?: (instruments: Instrument[]) => string[],
  meta?: SymbolIndex['meta'],
): SymbolIndex {
  const instruments: Instrument[] = [];
  for (const t of texts) instruments.push(...parseSymbolMaster(t.csv).instruments);
  const problems = instruments.length ? (check?.(instruments) ?? []) : ['no futures or options could be read'];
  if (problems.length) {
    throw new DependencyUnavailableError(`The symbol master in ${texts.map((t) => t.name).join(', ')} is not usable: ${problems.join('; ')}`, { problems });
  }
  return buildSymbolIndex(instruments, version, meta ?? { source: texts.map((t) => t.name).join(', ') });
}

/**
 * The generated sample master, versioned by IST date so an instance running across midnight picks up the
 * next day's expiry schedule. Within a day, expired contracts are filtered by the index at query time.
 */
export function sampleLoader(clock: Clock): SymbolIndexLoader {
  return {
    describe: 'generated sample master',
    version: async () => `sample-${istParts(clock()).date}`,
    // Like a stored index, one underlying at a time on first use: an alert for NIFTY generates and
    // parses NIFTY's rows only (a third of the sample), not every chain, on a new instance's first alert.
    load: async (version) => {
      const now = clock();
      return sectionedSymbolIndex({
        version,
        meta: { source: 'bundled sample master (fictional contracts; paper trading only)', builtAt: now, sample: true },
        instrumentCount: sampleContractCount(now),
        sections: SAMPLE_UNDERLYINGS.map((underlying) => ({
          underlying,
          decode: () => Object.values(sampleSymbolMaster(now, [underlying])).flatMap((csv) => parseSymbolMaster(csv).instruments),
        })),
        strays: new Map(),
        sessions: sessionsFromCells(sampleSessionCells(now)),
      });
    },
  };
}

export interface FileLoaderOptions {
  /** Extra acceptance test, e.g. validateSymbolMaster with the configured underlyings; problems refuse the load. */
  check?: (instruments: Instrument[]) => string[];
}

/**
 * Local CSV downloads (NSE_FO.csv, BSE_FO.csv). The version is every file's mtime and size, so replacing
 * any one of them triggers a reload. File access is injected to keep this free of `node:fs`.
 */
export function fileLoader(
  paths: string[],
  readFile: (path: string) => Promise<string>,
  statMtime: (path: string) => Promise<{ mtimeMs: number; size: number }>,
  opts: FileLoaderOptions = {},
): SymbolIndexLoader {
  return {
    describe: `files ${paths.join(', ')}`,
    version: async () => {
      const stats = await Promise.all(paths.map(statMtime));
      return stats.map((s) => `${Math.trunc(s.mtimeMs)}:${s.size}`).join('|');
    },
    load: async (version) => {
      const texts = await Promise.all(paths.map(async (name) => ({ name, csv: await readFile(name) })));
      // The version is `<mtime>:<size>|…`: the newest file's mtime is when this master was built.
      const builtAt = Math.max(...version.split('|').map((v) => Number(v.split(':')[0])));
      return indexFromCsv(texts, version, opts.check, { source: `files ${paths.join(', ')}`, ...(Number.isFinite(builtAt) ? { builtAt } : {}) });
    },
  };
}

/** Builds, validates and publishes an index from the configured sources; see indexBlobLoader. */
export type BootstrapIndex = () => Promise<{ instruments: Instrument[]; generation?: string; builtAt: number; sources: string[] }>;

/** Version of an index an instance built itself because nothing was published (or its publish lost a race). */
const BOOTSTRAP = 'bootstrap';

/**
 * The prebuilt index the refresh job publishes to Cloud Storage. The version is the object generation,
 * and load reads exactly that generation so a write between probe and read cannot mix versions.
 *
 * With `bootstrap`, an instance that finds nothing published builds the index from the configured sources
 * (validated the same way as the refresh job) and publishes it, instead of refusing every alert until the
 * next scheduled refresh. Once anything is published, the published generation wins.
 */
export function indexBlobLoader(blobStore: BlobStore, objectName: string, bootstrap?: BootstrapIndex): SymbolIndexLoader {
  return {
    describe: `blob ${objectName}`,
    version: async () => {
      const meta = await blobStore.stat(objectName);
      if (meta) return meta.generation;
      if (bootstrap) return BOOTSTRAP;
      throw new DependencyUnavailableError(`The symbol index ${objectName} has not been published yet`);
    },
    load: async (version, pace) => {
      if (version === BOOTSTRAP && bootstrap) {
        const built = await bootstrap();
        const from = `built at start from ${built.sources.join(', ')}`;
        return buildSymbolIndex(built.instruments, built.generation ?? `${BOOTSTRAP}-${built.builtAt}`, {
          source: built.generation ? `${from}, published as ${objectName}` : `${from} (not published)`,
          builtAt: built.builtAt,
        });
      }
      const blob = await blobStore.read(objectName, version);
      if (!blob) throw new DependencyUnavailableError(`The symbol index ${objectName} generation ${version} is gone`);
      return pace ? decodeSymbolIndexPaced(blob.data, blob.meta.generation, `blob ${objectName}`, pace) : decodeSymbolIndex(blob.data, blob.meta.generation, `blob ${objectName}`);
    },
  };
}
