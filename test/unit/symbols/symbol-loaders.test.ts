import type { BlobMeta, BlobStore } from '../../../shared/blob/blob.port';
import { DependencyUnavailableError } from '../../../shared/errors';
import { manualClock } from '../../../shared/platform/clock';
import { istInstant } from '../../../shared/platform/ist';
import { parseSymbolMaster } from '../../../shared/symbols/parse-symbol-master';
import { expiryDate } from '../../../shared/symbols/resolve-expiry';
import { sampleSymbolMaster } from '../../../shared/symbols/sample-symbol-master';
import { buildSymbolIndex } from '../../../shared/symbols/symbol-index';
import { encodeSymbolIndex } from '../../../shared/symbols/symbol-index.codec';
import { fileLoader, indexBlobLoader, sampleLoader } from '../../../shared/symbols/symbol-loaders';
import { validateSymbolMaster } from '../../../shared/symbols/validate-symbol-master';
import { expectSameAnswers } from '../../helpers/same-index-answers';

const nowMs = istInstant('2026-07-21', 10, 0);
const master = sampleSymbolMaster(nowMs);

/** Minimal versioned store with GCS-like generations. */
function memoryBlobStore(): BlobStore & { objects: Map<string, { data: Buffer; meta: BlobMeta }[]> } {
  const objects = new Map<string, { data: Buffer; meta: BlobMeta }[]>();
  let gen = 1_700_000_000_000_000;
  return {
    objects,
    stat: async (name) => objects.get(name)?.at(-1)?.meta,
    read: async (name, generation) => {
      const versions = objects.get(name) ?? [];
      return generation ? versions.find((v) => v.meta.generation === generation) : versions.at(-1);
    },
    write: async (name, data, opts) => {
      const current = objects.get(name)?.at(-1)?.meta.generation ?? '0';
      if (opts.ifGeneration !== undefined && opts.ifGeneration !== current) return undefined;
      const meta = { generation: String(++gen), updated: 0, size: data.length, metadata: opts.metadata };
      objects.set(name, [...(objects.get(name) ?? []), { data, meta }]);
      return meta;
    },
  };
}

describe('sampleLoader', () => {
  it('versions by IST date, so a new schedule is generated after IST midnight', async () => {
    const clock = manualClock(istInstant('2026-07-21', 23, 59));
    const loader = sampleLoader(clock);
    expect(await loader.version()).toBe('sample-2026-07-21');
    clock.set(istInstant('2026-07-22', 0, 0));
    expect(await loader.version()).toBe('sample-2026-07-22');
  });

  it('loads an index of the sample master with the given version', async () => {
    const loader = sampleLoader(manualClock(nowMs));
    const index = await loader.load('sample-2026-07-21');
    expect(index.version).toBe('sample-2026-07-21');
    expect(index.underlyings()).toEqual(['BANKNIFTY', 'FINNIFTY', 'MIDCPNIFTY', 'NIFTY', 'SENSEX']);
    expect(index.optionExpiries('NSE', 'NIFTY', nowMs).map(expiryDate)[0]).toBe('2026-07-21');
  });
});

describe('sampleLoader, one underlying at a time', () => {
  // Mid-week, a Tuesday expiry day after its close, and the last day of a month: expiries drop out and
  // months turn over, and each must leave the sections' tokens and answers those of the whole master.
  const instants = [nowMs, istInstant('2026-07-28', 15, 45), istInstant('2026-07-31', 12, 0), istInstant('2026-12-29', 9, 0)];

  it.each(instants)('answers every query as an index of the whole generated master does (at %p)', async (at) => {
    const lazy = await sampleLoader(manualClock(at)).load('s');
    const all = Object.values(sampleSymbolMaster(at)).flatMap((csv) => parseSymbolMaster(csv).instruments);
    expectSameAnswers(lazy, buildSymbolIndex(all, 's'), all, at);
    expect(lazy.meta).toEqual({ source: 'bundled sample master (fictional contracts; paper trading only)', builtAt: at, sample: true });
  });

  it('generates an underlying only when a query names it', async () => {
    const index = await sampleLoader(manualClock(nowMs)).load('s');
    // The count and sessions come without generating anything; NIFTY's rows come on its first query.
    const spy = jest.spyOn(await import('../../../shared/symbols/sample-symbol-master'), 'sampleSymbolMaster');
    try {
      expect(index.instrumentCount).toBeGreaterThan(0);
      expect(index.session('NSE')).toBeDefined();
      expect(spy).not.toHaveBeenCalled();
      expect(index.optionExpiries('NSE', 'NIFTY', nowMs).length).toBeGreaterThan(0);
      expect(index.optionExpiries('NSE', 'NIFTY', nowMs + 1).length).toBeGreaterThan(0);
      expect(spy.mock.calls.map((c) => c[1])).toEqual([['NIFTY']]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('fileLoader', () => {
  const files: Record<string, { text: string; mtimeMs: number }> = {
    '/m/NSE_FO.csv': { text: master.nseFo, mtimeMs: 1000.7 },
    '/m/BSE_FO.csv': { text: master.bseFo, mtimeMs: 2000 },
  };
  const readFile = async (p: string) => files[p]!.text;
  const statMtime = async (p: string) => ({ mtimeMs: files[p]!.mtimeMs, size: files[p]!.text.length });
  const paths = Object.keys(files);

  it('versions by every file’s mtime and size, so replacing either one changes it', async () => {
    const loader = fileLoader(paths, readFile, statMtime);
    const v1 = await loader.version();
    expect(v1).toBe(`1000:${master.nseFo.length}|2000:${master.bseFo.length}`);
    files['/m/BSE_FO.csv']!.mtimeMs = 3000;
    expect(await loader.version()).not.toBe(v1);
  });

  it('loads every file into one index', async () => {
    const index = await fileLoader(paths, readFile, statMtime).load('v');
    expect(index.instrumentCount).toBe(parseSymbolMaster(master.nseFo).instruments.length + parseSymbolMaster(master.bseFo).instruments.length);
    expect(index.byTicker('BSE:SENSEX2672380500CE')?.lotSize).toBe(20);
  });

  it('refuses a file with nothing usable, and one the check rejects, so the old index stays', async () => {
    const empty = fileLoader(['/x'], async () => 'not,a,master\n', statMtime);
    await expect(empty.load('v')).rejects.toThrow(DependencyUnavailableError);
    await expect(empty.load('v')).rejects.toThrow('The symbol master in /x is not usable: no futures or options could be read');
    const check = (i: Parameters<typeof validateSymbolMaster>[0]) => validateSymbolMaster(i, { underlyings: ['NIFTY', 'SENSEX'], minInstruments: 1, nowMs });
    const nseOnly = fileLoader(['/m/NSE_FO.csv'], readFile, statMtime, { check });
    await expect(nseOnly.load('v')).rejects.toThrow('SENSEX has no option expiry still to come');
    await expect(fileLoader(paths, readFile, statMtime, { check }).load('v')).resolves.toBeDefined();
  });

  it('surfaces a read failure', async () => {
    const broken = fileLoader(['/gone'], async () => { throw new Error('ENOENT'); }, statMtime);
    await expect(broken.load('v')).rejects.toThrow('ENOENT');
  });
});

describe('indexBlobLoader', () => {
  const instruments = [...parseSymbolMaster(master.nseFo).instruments, ...parseSymbolMaster(master.bseFo).instruments];

  it('reports the object generation and loads exactly that generation', async () => {
    const store = memoryBlobStore();
    const first = await store.write('symbols/index.gz', encodeSymbolIndex(instruments, { builtAt: nowMs, sources: [] }), { ifGeneration: '0' });
    const loader = indexBlobLoader(store, 'symbols/index.gz');
    expect(await loader.version()).toBe(first!.generation);
    // A newer write lands between the probe and the read; the load still returns the probed version.
    await store.write('symbols/index.gz', encodeSymbolIndex(instruments.slice(0, 10), { builtAt: nowMs, sources: [] }), {});
    const index = await loader.load(first!.generation);
    expect(index.version).toBe(first!.generation);
    expect(index.instrumentCount).toBe(instruments.length);
    expect(await loader.version()).not.toBe(first!.generation);
  });

  it('refuses when nothing is published or the generation is gone', async () => {
    const loader = indexBlobLoader(memoryBlobStore(), 'symbols/index.gz');
    await expect(loader.version()).rejects.toThrow('The symbol index symbols/index.gz has not been published yet');
    await expect(loader.load('42')).rejects.toThrow(DependencyUnavailableError);
  });

  it('refuses a blob in another format', async () => {
    const store = memoryBlobStore();
    const meta = await store.write('i', Buffer.from('{}'), {});
    await expect(indexBlobLoader(store, 'i').load(meta!.generation)).rejects.toThrow(/not gzip-compressed JSON/);
  });
});
