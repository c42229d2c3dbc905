import { manualClock } from '../../../shared/platform/clock';
import { silentLogger } from '../../../shared/platform/logger';
import type { SymbolIndex } from '../../../shared/symbols/instrument';
import { createSymbolSource, type SymbolIndexLoader } from '../../../shared/symbols/symbol-source';

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};
const indexOf = (version: string) => ({ version, instrumentCount: 1 }) as unknown as SymbolIndex;

describe('createSymbolSource', () => {
  it('waits for the first load only; later version checks and decodes run beside the alerts and swap in when ready', async () => {
    const clock = manualClock(0);
    let version = 'v1';
    let versionGate: Promise<void> | undefined;
    let loadGate: Promise<void> | undefined;
    const loads: string[] = [];
    const loader: SymbolIndexLoader = {
      describe: 'test',
      version: async () => {
        await versionGate;
        return version;
      },
      load: async (v) => {
        loads.push(v);
        await loadGate;
        return indexOf(v);
      },
    };
    const symbols = createSymbolSource(loader, { clock, logger: silentLogger, checkEveryMs: 60_000 });
    expect((await symbols()).version).toBe('v1');

    // Past the check interval, with the version probe hanging: the alert is answered from the index in hand.
    clock.advance(60_001);
    const probe = deferred<void>();
    versionGate = probe.promise;
    expect((await symbols()).version).toBe('v1');

    // A new version is found and its decode hangs: alerts still get v1, and only one load runs.
    version = 'v2';
    const decode = deferred<void>();
    loadGate = decode.promise;
    probe.resolve();
    await new Promise((r) => setImmediate(r));
    expect((await symbols()).version).toBe('v1');
    expect(loads).toEqual(['v1', 'v2']);

    decode.resolve();
    await new Promise((r) => setImmediate(r));
    expect((await symbols()).version).toBe('v2');
  });

  it('refuses alerts only while no index was ever loaded', async () => {
    const clock = manualClock(0);
    const loader: SymbolIndexLoader = { describe: 'test', version: async () => { throw new Error('down'); }, load: async () => indexOf('x') };
    const symbols = createSymbolSource(loader, { clock, logger: silentLogger, checkEveryMs: 60_000 });
    await expect(symbols()).rejects.toThrow('not available');
  });

  it('does not pace the first load (alerts wait for it), and paces every later one with the given pace', async () => {
    const clock = manualClock(0);
    let version = 'v1';
    const paced: Array<boolean> = [];
    const loader: SymbolIndexLoader = {
      describe: 'test',
      version: async () => version,
      load: async (v, pace) => {
        paced.push(pace !== undefined);
        await pace?.();
        return indexOf(v);
      },
    };
    const gate = deferred<void>();
    let paces = 0;
    const symbols = createSymbolSource(loader, { clock, logger: silentLogger, checkEveryMs: 60_000, pace: () => ((paces += 1), gate.promise) });
    expect((await symbols()).version).toBe('v1');
    clock.advance(60_001);
    version = 'v2';
    // The swap is held at its pace: alerts go on with v1 meanwhile.
    expect((await symbols()).version).toBe('v1');
    await new Promise((r) => setImmediate(r));
    expect(paced).toEqual([false, true]);
    expect(paces).toBe(1);
    expect((await symbols()).version).toBe('v1');
    gate.resolve();
    await new Promise((r) => setImmediate(r));
    expect((await symbols()).version).toBe('v2');
  });
});
