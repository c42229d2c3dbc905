import { Storage } from '@google-cloud/storage';
import { createGcsBlobStore } from '../../shared/blob/blob.gcs';
import { blobStoreContract } from '../contract/blob-store.contract';
import { startFakeGcs, type FakeGcs } from '../fakes/fake-gcs';

// The real @google-cloud/storage client talks HTTP to the project's fake; nothing is mocked in-process.
let fake: FakeGcs;
let storage: Storage;
let bucketSeq = 0;

beforeAll(async () => {
  fake = await startFakeGcs();
  storage = new Storage({ apiEndpoint: fake.url, projectId: 'demo-test', retryOptions: { maxRetries: 0 } });
});
afterAll(() => fake.close());

const freshBucket = () => {
  const name = `bucket-${++bucketSeq}`;
  fake.createBucket(name);
  return name;
};

blobStoreContract('Cloud Storage (real client, fake server)', async () => createGcsBlobStore(storage, freshBucket()));

describe('createGcsBlobStore on the wire', () => {
  it('sends the precondition as ifGenerationMatch on a single multipart upload', async () => {
    const bucket = freshBucket();
    const store = createGcsBlobStore(storage, bucket);
    await store.write('a/b.json', Buffer.from('{}'), { ifGeneration: '0', contentType: 'application/json' });
    const upload = fake.requests.filter((r) => r.startsWith(`POST /upload/storage/v1/b/${bucket}/o`));
    expect(upload).toHaveLength(1);
    const q = new URL(upload[0]!.slice('POST '.length), fake.url).searchParams;
    expect(q.get('uploadType')).toBe('multipart');
    expect(q.get('ifGenerationMatch')).toBe('0');
    expect(q.get('name')).toBe('a/b.json');
  });

  it('returns undefined on 412 and leaves the winning generation in place', async () => {
    const bucket = freshBucket();
    const store = createGcsBlobStore(storage, bucket);
    const g1 = (await store.write('k', Buffer.from('one'), { ifGeneration: '0' }))!.generation;
    const g2 = (await store.write('k', Buffer.from('two'), { ifGeneration: g1 }))!.generation;
    await expect(store.write('k', Buffer.from('three'), { ifGeneration: g1 })).resolves.toBeUndefined();
    expect(fake.history(bucket, 'k').map((h) => [h.generation, h.data.toString(), h.live])).toEqual([
      [g1, 'one', false],
      [g2, 'two', true],
    ]);
  });

  it('reads an unknown generation as undefined', async () => {
    const store = createGcsBlobStore(storage, freshBucket());
    await store.write('k', Buffer.from('x'), {});
    await expect(store.read('k', '99')).resolves.toBeUndefined();
  });

  it('surfaces errors other than 404/412 instead of hiding them', async () => {
    const store = createGcsBlobStore(storage, 'no-such-bucket');
    await expect(store.write('k', Buffer.from('x'), {})).rejects.toThrow(/bucket does not exist/);
  });
});

describe('a read pinned to a generation', () => {
  it('asks for the metadata and the data at once: one round trip for a new index, not two', async () => {
    // The metadata request is held until the data request has arrived (or a deadlock breaker fires):
    // a read that waited for the metadata first would only send the data request after it.
    let seenWhileHeld = false;
    let release: (() => void) | undefined;
    const gated = await startFakeGcs({
      buckets: ['pinned'],
      gate: (request) => {
        if (request.includes('alt=media')) {
          seenWhileHeld ||= release !== undefined;
          release?.();
          return undefined;
        }
        if (!request.startsWith('GET /storage/v1/b/pinned/o/k?')) return undefined;
        return new Promise<void>((resolve) => {
          const breaker = setTimeout(() => release?.(), 5_000);
          release = () => {
            release = undefined;
            clearTimeout(breaker);
            resolve();
          };
        });
      },
    });
    try {
      const store = createGcsBlobStore(new Storage({ apiEndpoint: gated.url, projectId: 'demo-test', retryOptions: { maxRetries: 0 } }), 'pinned');
      const g = (await store.write('k', Buffer.from('index'), {}))!.generation;
      const got = await store.read('k', g);
      expect(got?.data.toString()).toBe('index');
      expect(got?.meta.generation).toBe(g);
      expect(seenWhileHeld).toBe(true);
    } finally {
      await gated.close();
    }
  });

  it('is undefined when that generation is gone, whichever request finds out first', async () => {
    const bucket = freshBucket();
    const store = createGcsBlobStore(storage, bucket);
    const g1 = (await store.write('k', Buffer.from('x'), {}))!.generation;
    await expect(store.read('k', String(BigInt(g1) + 999n))).resolves.toBeUndefined();
  });
});

describe('fake-gcs speaks the paths the real client uses', () => {
  it('pins the generation on the media download when reading an old version', async () => {
    const bucket = freshBucket();
    const store = createGcsBlobStore(storage, bucket);
    const g1 = (await store.write('k', Buffer.from('old'), {}))!.generation;
    await store.write('k', Buffer.from('new'), {});
    const before = fake.requests.length;
    await store.read('k', g1);
    const media = fake.requests.slice(before).filter((r) => r.includes('alt=media'));
    expect(media).toHaveLength(1);
    expect(new URL(media[0]!.split(' ')[1]!, fake.url).searchParams.get('generation')).toBe(g1);
  });

  it('completes a resumable upload and refuses one whose precondition fails at session start', async () => {
    const bucket = freshBucket();
    const file = storage.bucket(bucket).file('big.bin');
    const data = Buffer.alloc(300_000, 7);
    await file.save(data, { resumable: true, preconditionOpts: { ifGenerationMatch: 0 } });
    const [got] = await file.download();
    expect(got.equals(data)).toBe(true);

    const err = await storage.bucket(bucket).file('big.bin')
      .save(Buffer.from('again'), { resumable: true, preconditionOpts: { ifGenerationMatch: 0 } })
      .then(() => undefined, (e: unknown) => e as { code?: unknown; status?: unknown });
    expect(err?.code === 412 || err?.status === 412).toBe(true);
  });

  it('lists live objects by prefix and deletes them', async () => {
    const bucket = freshBucket();
    const b = storage.bucket(bucket);
    await b.file('p/1').save('1', { resumable: false });
    await b.file('p/2').save('2', { resumable: false });
    await b.file('q/3').save('3', { resumable: false });
    const [files] = await b.getFiles({ prefix: 'p/' });
    expect(files.map((f) => f.name)).toEqual(['p/1', 'p/2']);
    await b.file('p/1').delete();
    const [after] = await b.getFiles({ prefix: 'p/' });
    expect(after.map((f) => f.name)).toEqual(['p/2']);
  });
});
