import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLocalBlobStore } from '../../shared/blob/blob.local';
import { manualClock } from '../../shared/platform/clock';
import { blobStoreContract } from '../contract/blob-store.contract';

const dirs: string[] = [];
const freshDir = async () => {
  const d = await mkdtemp(path.join(os.tmpdir(), 'blob-local-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

blobStoreContract('local folder', async () => createLocalBlobStore(await freshDir(), manualClock(1_750_000_000_000)));

describe('createLocalBlobStore', () => {
  it('stamps updated from the injected clock', async () => {
    const clock = manualClock(1_800_000_000_000);
    const store = createLocalBlobStore(await freshDir(), clock);
    await store.write('k', Buffer.from('x'), {});
    expect((await store.stat('k'))!.updated).toBe(1_800_000_000_000);
  });

  it('sees writes made through a second instance on the same folder (another process)', async () => {
    const dir = await freshDir();
    const a = createLocalBlobStore(dir, manualClock(1));
    const b = createLocalBlobStore(dir, manualClock(2));
    const g1 = (await a.write('k', Buffer.from('from a'), { ifGeneration: '0' }))!.generation;
    await expect(b.write('k', Buffer.from('from b'), { ifGeneration: '0' })).resolves.toBeUndefined();
    await b.write('k', Buffer.from('b wins'), { ifGeneration: g1 });
    expect((await a.read('k'))!.data.toString()).toBe('b wins');
  });

  it('keeps no temp files behind and prunes beyond keepGenerations', async () => {
    const dir = await freshDir();
    const store = createLocalBlobStore(dir, manualClock(1), { keepGenerations: 2 });
    for (let i = 0; i < 5; i++) await store.write('k', Buffer.from(`v${i}`), {});
    const files = await readdir(path.join(dir, 'k'));
    expect(files.sort()).toEqual(['4.blob', '5.blob']);
    await expect(store.read('k', '1')).resolves.toBeUndefined();
    expect((await store.read('k', '4'))!.data.toString()).toBe('v3');
  });

  it('cannot be steered outside its folder by the object name', async () => {
    const store = createLocalBlobStore(await freshDir(), manualClock(1));
    await expect(store.write('..', Buffer.from('x'), {})).rejects.toThrow(RangeError);
    await store.write('../escape', Buffer.from('x'), {});
    // The slash is encoded, so the object lives inside the root as one directory.
    expect((await store.read('../escape'))!.data.toString()).toBe('x');
  });
});
