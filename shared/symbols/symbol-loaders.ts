import type { BlobStore } from '../blob/blob.port';
import { DependencyUnavailableError } from '../errors';
import type { Clock } from '../platform/clock';
import { istParts } from '../platform/ist';
import type { Instrument, SymbolIndex } from './instrument';
import { parseSymbolMaster } from './parse-symbol-master';
import { sampleSymbolMaster } from './sample-symbol-master';
import { buildSymbolIndex } from './symbol-index';
import { decodeSymbolIndex } from './symbol-index.codec';
import type { SymbolIndexLoader } from './symbol-source';

/** Parses CSV texts and builds one index; refuses when nothing usable came out, so the source keeps the old one. */
export function indexFromCsv(texts: { name: string; csv: string }[], version: string, check?: (instruments: Instrument[]) => string[]): SymbolIndex {
  const instruments: Instrument[] = [];
  for (const t of texts) instruments.push(...parseSymbolMaster(t.csv).instruments);
  const problems = instruments.length ? (check?.(instruments) ?? []) : ['no futures or options could be read'];
  if (problems.length) {
    throw new DependencyUnavailableError(`The symbol master in ${texts.map((t) => t.name).join(', ')} is not usable: ${problems.join('; ')}`, { problems });
  }
  return buildSymbolIndex(instruments, version);
}

/**
 * The generated sample master, versioned by IST date so an instance running across midnight picks up the
 * next day's expiry schedule. Within a day, expired contracts are filtered by the index at query time.
 */
export function sampleLoader(clock: Clock): SymbolIndexLoader {
  return {
    describe: 'generated sample master',
    version: async () => `sample-${istParts(clock()).date}`,
    load: async (version) => {
      const { nseFo, bseFo } = sampleSymbolMaster(clock());
      return indexFromCsv([{ name: 'sample NSE_FO', csv: nseFo }, { name: 'sample BSE_FO', csv: bseFo }], version);
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
      return indexFromCsv(texts, version, opts.check);
    },
  };
}

/**
 * The prebuilt index the refresh job publishes to Cloud Storage. The version is the object generation,
 * and load reads exactly that generation so a write between probe and read cannot mix versions.
 */
export function indexBlobLoader(blobStore: BlobStore, objectName: string): SymbolIndexLoader {
  return {
    describe: `blob ${objectName}`,
    version: async () => {
      const meta = await blobStore.stat(objectName);
      if (!meta) throw new DependencyUnavailableError(`The symbol index ${objectName} has not been published yet`);
      return meta.generation;
    },
    load: async (version) => {
      const blob = await blobStore.read(objectName, version);
      if (!blob) throw new DependencyUnavailableError(`The symbol index ${objectName} generation ${version} is gone`);
      return decodeSymbolIndex(blob.data, blob.meta.generation);
    },
  };
}
