import type { BlobStore } from '../../shared/blob/blob.port';

/**
 * Behaviour every BlobStore must share, so the local folder store is a faithful stand-in for
 * Cloud Storage. Each adapter's test file calls this with a factory for a fresh, empty store.
 */
export function blobStoreContract(label: string, fresh: () => Promise<BlobStore>): void {
  describe(`BlobStore contract: ${label}`, () => {
    let store: BlobStore;
    beforeEach(async () => {
      store = await fresh();
    });

    it('reports an absent object as undefined on stat and read', async () => {
      await expect(store.stat('nothing/here.json')).resolves.toBeUndefined();
      await expect(store.read('nothing/here.json')).resolves.toBeUndefined();
    });

    it('writes, then stats and reads back the same bytes, generation and metadata', async () => {
      const data = Buffer.from('{"a":1}');
      const written = await store.write('state/one.json', data, { ifGeneration: '0', contentType: 'application/json', metadata: { source: 'test' } });
      expect(written).toBeDefined();
      expect(written!.size).toBe(data.length);

      const meta = await store.stat('state/one.json');
      expect(meta).toEqual(expect.objectContaining({ generation: written!.generation, size: data.length, metadata: { source: 'test' } }));
      expect(meta!.updated).toBeGreaterThan(0);

      const got = await store.read('state/one.json');
      expect(got!.data.equals(data)).toBe(true);
      expect(got!.meta.generation).toBe(written!.generation);
    });

    it("refuses to create over an existing object when ifGeneration is '0'", async () => {
      await store.write('k', Buffer.from('first'), { ifGeneration: '0' });
      await expect(store.write('k', Buffer.from('second'), { ifGeneration: '0' })).resolves.toBeUndefined();
      expect((await store.read('k'))!.data.toString()).toBe('first');
    });

    it('accepts a write at the current generation and rejects one at a stale generation', async () => {
      const g1 = (await store.write('k', Buffer.from('v1'), { ifGeneration: '0' }))!.generation;
      const g2 = (await store.write('k', Buffer.from('v2'), { ifGeneration: g1 }))!.generation;
      expect(BigInt(g2) > BigInt(g1)).toBe(true);

      await expect(store.write('k', Buffer.from('lost update'), { ifGeneration: g1 })).resolves.toBeUndefined();
      expect((await store.read('k'))!.data.toString()).toBe('v2');
    });

    it('rejects a conditional write to an absent object at a non-zero generation', async () => {
      await expect(store.write('absent', Buffer.from('x'), { ifGeneration: '12345' })).resolves.toBeUndefined();
      await expect(store.stat('absent')).resolves.toBeUndefined();
    });

    it('overwrites unconditionally when no generation is given', async () => {
      await store.write('k', Buffer.from('v1'), {});
      const w = await store.write('k', Buffer.from('v2'), {});
      expect((await store.read('k'))!.meta.generation).toBe(w!.generation);
      expect((await store.read('k'))!.data.toString()).toBe('v2');
    });

    it('still reads an older generation after it was replaced', async () => {
      const g1 = (await store.write('k', Buffer.from('old'), { ifGeneration: '0' }))!.generation;
      await store.write('k', Buffer.from('new'), { ifGeneration: g1 });
      const old = await store.read('k', g1);
      expect(old!.data.toString()).toBe('old');
      expect(old!.meta.generation).toBe(g1);
      expect((await store.read('k'))!.data.toString()).toBe('new');
    });

    it('lets exactly one of several racing conditional writers win', async () => {
      const g1 = (await store.write('race', Buffer.from('base'), { ifGeneration: '0' }))!.generation;
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => store.write('race', Buffer.from(`writer-${i}`), { ifGeneration: g1 })),
      );
      const winners = results.filter((r) => r !== undefined);
      expect(winners).toHaveLength(1);
      const final = await store.read('race');
      expect(final!.meta.generation).toBe(winners[0]!.generation);
    });

    it('keeps binary content byte for byte', async () => {
      const data = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256));
      await store.write('bin', data, { contentType: 'application/octet-stream' });
      expect((await store.read('bin'))!.data.equals(data)).toBe(true);
    });
  });
}
