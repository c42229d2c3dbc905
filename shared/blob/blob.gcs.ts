import type { File, FileMetadata, Storage } from '@google-cloud/storage';
import type { BlobMeta, BlobStore } from './blob.port';

/**
 * Cloud Storage behind the BlobStore port. Concurrency control is the object generation: a write
 * carries `ifGenerationMatch`, and the service refuses it with 412 when another writer got there first.
 * The bucket should have object versioning on, so an older generation stays readable after a rewrite.
 */
export function createGcsBlobStore(storage: Storage, bucket: string): BlobStore {
  const b = storage.bucket(bucket);

  const stat = async (file: File): Promise<BlobMeta | undefined> => {
    try {
      const [md] = await file.getMetadata();
      return metaOf(md);
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  };

  const download = async (file: File): Promise<Buffer | undefined> => {
    try {
      const [data] = await file.download();
      return data;
    } catch (e) {
      // The pinned generation vanished (deleted or pruned), or never was: same as absent.
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  };

  return {
    stat: (name) => stat(b.file(name)),

    async read(name, generation) {
      if (generation) {
        // Pinned to a generation, data and meta agree whatever a writer does meanwhile, so both
        // requests go at once: an instance's first symbol index (and every swap) waits one round trip, not two.
        const pinned = b.file(name, { generation });
        const [meta, data] = await Promise.all([stat(pinned), download(pinned)]);
        return meta && data ? { data, meta } : undefined;
      }
      // Resolve the generation first and download exactly that one, so data and meta always agree
      // even when a writer replaces the object between the two requests.
      const meta = await stat(b.file(name));
      if (!meta) return undefined;
      const data = await download(b.file(name, { generation: meta.generation }));
      return data ? { data, meta } : undefined;
    },

    async write(name, data, opts) {
      const file = b.file(name);
      try {
        await file.save(data, {
          // One request, all or nothing; these objects are small (state and indexes, not media).
          resumable: false,
          contentType: opts.contentType ?? 'application/octet-stream',
          metadata: opts.metadata ? { metadata: opts.metadata } : {},
          ...(opts.ifGeneration !== undefined ? { preconditionOpts: { ifGenerationMatch: opts.ifGeneration } } : {}),
        });
      } catch (e) {
        // Caveat: if the client retried after a response was lost, our own first attempt may be the
        // generation that now fails the precondition. Callers already treat undefined as "re-read and
        // decide", which also covers that case.
        if (statusOf(e) === 412) return undefined;
        throw e;
      }
      return metaOf(file.metadata);
    },
  };
}

function metaOf(md: FileMetadata): BlobMeta {
  const custom = md.metadata
    ? Object.fromEntries(Object.entries(md.metadata).filter((kv): kv is [string, string] => typeof kv[1] === 'string'))
    : undefined;
  return {
    generation: String(md.generation),
    updated: md.updated ? Date.parse(md.updated) : 0,
    size: Number(md.size ?? 0),
    ...(custom && Object.keys(custom).length ? { metadata: custom } : {}),
  };
}

/** ApiError carries the HTTP status as `code`; a GaxiosError from the resumable path carries `status`. */
function statusOf(e: unknown): number | undefined {
  const err = e as { code?: unknown; status?: unknown; response?: { status?: unknown } };
  for (const c of [err?.code, err?.status, err?.response?.status]) if (typeof c === 'number') return c;
  return undefined;
}
