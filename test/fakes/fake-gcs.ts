/**
 * A small Cloud Storage JSON API server for tests. The Storage emulator from firebase-tools ignores
 * generation preconditions, and the adapter's correctness hinges on them, so the project owns this fake.
 * It speaks enough of the wire protocol for the real `@google-cloud/storage` client: object metadata,
 * media download (optionally pinned to a generation), multipart / media / resumable upload, list,
 * delete, and `ifGenerationMatch` / `ifMetagenerationMatch` preconditions (412). Every bucket is
 * versioned: old generations stay readable until the fake is closed.
 *
 * Point the client at it with `new Storage({ apiEndpoint: fake.url, projectId: 'demo-test' })`;
 * a custom endpoint makes the client skip authentication.
 */
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CRC32C } from '@google-cloud/storage';

interface StoredVersion {
  data: Buffer;
  generation: string;
  metageneration: string;
  contentType: string;
  metadata?: Record<string, string>;
  timeCreated: string;
  updated: string;
  /** Set when a newer generation replaced this one or it was deleted (versioned bucket). */
  timeDeleted?: string;
}

interface PendingUpload {
  bucket: string;
  name: string;
  resource: Record<string, unknown>;
  query: URLSearchParams;
  chunks: Buffer[];
}

export interface FakeGcs {
  /** `http://127.0.0.1:<port>`: pass as `apiEndpoint`. */
  url: string;
  createBucket(name: string): void;
  /** Every generation ever written for an object, oldest first (for assertions). */
  history(bucket: string, name: string): Array<{ generation: string; data: Buffer; live: boolean }>;
  /** Requests seen, as `METHOD path?query`, so tests can check what the client actually sent. */
  requests: string[];
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly reason: string) {
    super(message);
  }
}

const preconditionFailed = () => new HttpError(412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet');
const notFound = (what: string) => new HttpError(404, `No such object: ${what}`, 'notFound');

export interface FakeGcsOptions {
  buckets?: string[];
  /** Awaited before each request is answered (`METHOD path?query`), so a test can hold one back. */
  gate?: (request: string) => Promise<void> | undefined;
}

export async function startFakeGcs(opts: FakeGcsOptions = {}): Promise<FakeGcs> {
  const buckets = new Map<string, Map<string, StoredVersion[]>>();
  const uploads = new Map<string, PendingUpload>();
  const requests: string[] = [];
  // Real generations are microsecond timestamps; a large start catches code that mangles them as floats.
  let nextGeneration = 1_700_000_000_000_000n;
  let baseUrl = '';

  const createBucket = (name: string) => {
    if (!buckets.has(name)) buckets.set(name, new Map());
  };
  for (const b of opts.buckets ?? []) createBucket(b);

  const objectsOf = (bucket: string) => {
    const objects = buckets.get(bucket);
    if (!objects) throw new HttpError(404, `The specified bucket does not exist: ${bucket}`, 'notFound');
    return objects;
  };
  const live = (versions: StoredVersion[] | undefined) => {
    const last = versions?.at(-1);
    return last && !last.timeDeleted ? last : undefined;
  };

  // Cloud Storage keeps an object's hashes; computing them on every request made each 1 MB read here
  // cost tens of milliseconds that the real service does not, which the cold-start bench would count.
  const hashes = new WeakMap<StoredVersion, { md5: string; crc32c: string }>();
  const hashesOf = (v: StoredVersion) => {
    let h = hashes.get(v);
    if (!h) {
      const crc = new CRC32C();
      crc.update(v.data);
      hashes.set(v, (h = { md5: createHash('md5').update(v.data).digest('base64'), crc32c: crc.toString() }));
    }
    return h;
  };

  const resourceOf = (bucket: string, name: string, v: StoredVersion) => {
    const { md5, crc32c } = hashesOf(v);
    return {
      kind: 'storage#object',
      id: `${bucket}/${name}/${v.generation}`,
      selfLink: `${baseUrl}/storage/v1/b/${bucket}/o/${encodeURIComponent(name)}`,
      name,
      bucket,
      generation: v.generation,
      metageneration: v.metageneration,
      contentType: v.contentType,
      size: String(v.data.length),
      md5Hash: md5,
      crc32c,
      etag: `${v.generation}/${v.metageneration}`,
      timeCreated: v.timeCreated,
      updated: v.updated,
      ...(v.timeDeleted ? { timeDeleted: v.timeDeleted } : {}),
      ...(v.metadata ? { metadata: v.metadata } : {}),
    };
  };

  /** Resolves the version a read/delete addresses, applying the generation pin and preconditions. */
  const select = (bucket: string, name: string, q: URLSearchParams) => {
    const versions = objectsOf(bucket).get(name);
    const pinned = q.get('generation');
    const v = pinned ? versions?.find((x) => x.generation === pinned) : live(versions);
    if (!v) throw notFound(`${bucket}/${name}${pinned ? `#${pinned}` : ''}`);
    const ifGen = q.get('ifGenerationMatch');
    if (ifGen !== null && ifGen !== v.generation) throw preconditionFailed();
    const ifMeta = q.get('ifMetagenerationMatch');
    if (ifMeta !== null && ifMeta !== v.metageneration) throw preconditionFailed();
    return v;
  };

  /** The write-side precondition: '0' means "must not exist", otherwise the live generation must match. */
  const checkWritePrecondition = (bucket: string, name: string, q: URLSearchParams) => {
    const ifGen = q.get('ifGenerationMatch');
    if (ifGen === null) return;
    const current = live(objectsOf(bucket).get(name));
    if (ifGen === '0' ? current !== undefined : current?.generation !== ifGen) throw preconditionFailed();
  };

  const store = (bucket: string, name: string, data: Buffer, resource: Record<string, unknown>, q: URLSearchParams) => {
    checkWritePrecondition(bucket, name, q);
    const objects = objectsOf(bucket);
    const versions = objects.get(name) ?? [];
    const now = new Date().toISOString();
    const current = live(versions);
    if (current) current.timeDeleted = now;
    const v: StoredVersion = {
      data,
      generation: String(nextGeneration++),
      metageneration: '1',
      contentType: typeof resource.contentType === 'string' ? resource.contentType : 'application/octet-stream',
      metadata: resource.metadata as Record<string, string> | undefined,
      timeCreated: now,
      updated: now,
    };
    versions.push(v);
    objects.set(name, versions);
    return resourceOf(bucket, name, v);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => {
    const url = new URL(req.url ?? '/', baseUrl);
    const q = url.searchParams;
    const path = url.pathname;
    const method = req.method ?? 'GET';
    let m: RegExpMatchArray | null;

    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(payload));
    };

    if (method === 'POST' && path === '/storage/v1/b') {
      const name = String((JSON.parse(body.toString('utf8')) as { name?: string }).name);
      createBucket(name);
      return json(200, { kind: 'storage#bucket', name, id: name, versioning: { enabled: true } });
    }
    if ((m = path.match(/^\/storage\/v1\/b\/([^/]+)$/)) && method === 'GET') {
      const name = decodeURIComponent(m[1]!);
      objectsOf(name);
      return json(200, { kind: 'storage#bucket', name, id: name, versioning: { enabled: true } });
    }
    if ((m = path.match(/^\/storage\/v1\/b\/([^/]+)\/o$/)) && method === 'GET') {
      const bucket = decodeURIComponent(m[1]!);
      const prefix = q.get('prefix') ?? '';
      const versionsToo = q.get('versions') === 'true';
      const items: unknown[] = [];
      for (const [name, versions] of [...objectsOf(bucket).entries()].sort(([a], [b]) => a.localeCompare(b))) {
        if (!name.startsWith(prefix)) continue;
        for (const v of versionsToo ? versions : [live(versions)].filter((x): x is StoredVersion => !!x)) {
          items.push(resourceOf(bucket, name, v));
        }
      }
      return json(200, { kind: 'storage#objects', items });
    }
    if ((m = path.match(/^\/(?:download\/)?storage\/v1\/b\/([^/]+)\/o\/(.+)$/))) {
      const bucket = decodeURIComponent(m[1]!);
      const name = decodeURIComponent(m[2]!);
      if (method === 'GET') {
        const v = select(bucket, name, q);
        if (q.get('alt') !== 'media') return json(200, resourceOf(bucket, name, v));
        const r = resourceOf(bucket, name, v);
        res.writeHead(200, {
          'content-type': v.contentType,
          'content-length': String(v.data.length),
          'x-goog-generation': v.generation,
          'x-goog-metageneration': v.metageneration,
          'x-goog-hash': `crc32c=${r.crc32c},md5=${r.md5Hash}`,
          'x-goog-stored-content-encoding': 'identity',
        });
        return res.end(v.data);
      }
      if (method === 'DELETE') {
        const v = select(bucket, name, q);
        const versions = objectsOf(bucket).get(name)!;
        if (q.get('generation')) versions.splice(versions.indexOf(v), 1);
        else v.timeDeleted = new Date().toISOString();
        res.writeHead(204);
        return res.end();
      }
    }
    if ((m = path.match(/^\/upload\/storage\/v1\/b\/([^/]+)\/o$/))) {
      const bucket = decodeURIComponent(m[1]!);
      const type = q.get('uploadType');
      if (method === 'POST' && type === 'multipart') {
        const { resource, data } = parseMultipart(String(req.headers['content-type']), body);
        const name = q.get('name') ?? String(resource.name);
        return json(200, store(bucket, name, data, resource, q));
      }
      if (method === 'POST' && type === 'media') {
        const name = q.get('name');
        if (!name) throw new HttpError(400, 'name is required', 'required');
        return json(200, store(bucket, name, body, { contentType: req.headers['content-type'] }, q));
      }
      if (method === 'POST' && type === 'resumable') {
        const resource = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
        const name = q.get('name') ?? String(resource.name);
        // The real service checks preconditions when the session starts, and again when it completes.
        checkWritePrecondition(bucket, name, q);
        const id = randomUUID();
        uploads.set(id, { bucket, name, resource, query: q, chunks: [] });
        res.writeHead(200, { location: `${baseUrl}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable&upload_id=${id}` });
        return res.end();
      }
      if (method === 'PUT' && type === 'resumable') {
        const upload = uploads.get(q.get('upload_id') ?? '');
        if (!upload) throw new HttpError(404, 'No such upload session', 'notFound');
        upload.chunks.push(body);
        const received = upload.chunks.reduce((n, c) => n + c.length, 0);
        // `bytes 0-*/*` (single shot) or `bytes a-b/total` with the last byte in hand completes the upload.
        const total = /\/(\d+|\*)$/.exec(String(req.headers['content-range'] ?? ''))?.[1];
        const statusCheck = body.length === 0 && String(req.headers['content-range']) === 'bytes */*';
        if (statusCheck || (total !== undefined && total !== '*' && received < Number(total))) {
          res.writeHead(308, received > 0 ? { range: `bytes=0-${received - 1}` } : {});
          return res.end();
        }
        uploads.delete(q.get('upload_id')!);
        return json(200, store(upload.bucket, upload.name, Buffer.concat(upload.chunks), upload.resource, upload.query));
      }
    }
    throw new HttpError(501, `fake-gcs does not implement ${method} ${path}`, 'notImplemented');
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = `${req.method} ${req.url}`;
      requests.push(request);
      Promise.resolve(opts.gate?.(request))
        .then(() => handle(req, res, Buffer.concat(chunks)))
        .catch((e: unknown) => {
          const err = e instanceof HttpError ? e : new HttpError(500, String(e), 'backendError');
          res.writeHead(err.status, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify({ error: { code: err.status, message: err.message, errors: [{ reason: err.reason, message: err.message }] } }));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    createBucket,
    requests,
    history: (bucket, name) =>
      (buckets.get(bucket)?.get(name) ?? []).map((v) => ({ generation: v.generation, data: v.data, live: !v.timeDeleted })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

/** Splits a `multipart/related` upload body into its JSON resource part and its media part. */
function parseMultipart(contentType: string, body: Buffer): { resource: Record<string, unknown>; data: Buffer } {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) throw new HttpError(400, 'multipart upload without a boundary', 'invalid');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    parts.push(body.subarray(start, next));
    at = next;
  }
  const payloadOf = (part: Buffer) => {
    const headerEnd = part.indexOf('\r\n\r\n');
    // Strip the CRLF before the header block and the one that precedes the next delimiter.
    return part.subarray(headerEnd + 4, part.length - 2);
  };
  if (parts.length !== 2) throw new HttpError(400, `expected 2 multipart parts, got ${parts.length}`, 'invalid');
  return {
    resource: JSON.parse(payloadOf(parts[0]!).toString('utf8')) as Record<string, unknown>,
    data: Buffer.from(payloadOf(parts[1]!)),
  };
}
