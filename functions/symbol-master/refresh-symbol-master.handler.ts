import type { BlobStore } from '../../shared/blob/blob.port';
import type { Notifier } from '../../shared/notify/notifier.port';
import type { Clock } from '../../shared/platform/clock';
import type { Logger } from '../../shared/platform/logger';
import { buildSymbolMaster } from '../../shared/symbols/build-symbol-master';
import type { Instrument } from '../../shared/symbols/instrument';
import { encodeSymbolIndex } from '../../shared/symbols/symbol-index.codec';
import type { HttpReply } from '../http-response';

export interface RefreshSymbolMasterDeps {
  clock: Clock;
  logger: Logger;
  blobs: BlobStore;
  objectName: string;
  urls: string[];
  /** JSON masters read for freeze quantities beside the CSVs (default: each CSV's `_sym_master.json`). */
  jsonUrls: string[];
  /** Downloads one file as text (ky with a timeout in production). */
  download: (url: string) => Promise<string>;
  notifier: Notifier;
  /** Underlyings that must have live option expiries, or the file is refused. */
  underlyings: string[];
  minInstruments: number;
  /** A new file with fewer instruments than this share of the current one is treated as partial. */
  minShareOfPrevious: number;
}

const fail = async (deps: RefreshSymbolMasterDeps, status: number, problems: string[]): Promise<HttpReply> => {
  deps.logger.error('symbol master refresh refused', { problems });
  await deps.notifier.notify({
    kind: 'symbol_master.failed',
    severity: 'critical',
    summary: `Symbol master refresh failed; the previous version stays in use: ${problems.slice(0, 3).join('; ')}`,
    at: deps.clock(),
    details: { problems: problems.slice(0, 20) },
  });
  return { status, body: { status: 'failed', problems } };
};

export type PublishResult =
  | { kind: 'published'; generation: string; instruments: number; bytes: number; withFreezeQty: number; warnings: string[]; instrumentsList: Instrument[] }
  | { kind: 'conflict'; instrumentsList: Instrument[] }
  | { kind: 'failed'; status: number; problems: string[] };

/**
 * Downloads, parses and validates every configured master, and only then writes one compact index with
 * a generation precondition. A bad or partial download never replaces a good index. Shared by the refresh
 * job and by a webhook instance that starts before anything was published.
 */
export async function buildAndPublishSymbolIndex(deps: RefreshSymbolMasterDeps): Promise<PublishResult> {
  const current = await deps.blobs.stat(deps.objectName);
  const built = await buildSymbolMaster(
    { csvUrls: deps.urls, jsonUrls: deps.jsonUrls, download: deps.download },
    { underlyings: deps.underlyings, minInstruments: deps.minInstruments, nowMs: deps.clock(), previousCount: Number(current?.metadata?.instruments ?? 0), minShareOfPrevious: deps.minShareOfPrevious },
  );
  if (!built.ok) return { kind: 'failed', status: built.status, problems: built.problems };
  const { instruments, warnings, withFreezeQty } = built;
  const data = encodeSymbolIndex(instruments, { builtAt: deps.clock(), sources: [...deps.urls, ...deps.jsonUrls] });
  const written = await deps.blobs.write(deps.objectName, data, {
    ifGeneration: current?.generation ?? '0',
    contentType: 'application/octet-stream',
    metadata: { instruments: String(instruments.length), builtAt: new Date(deps.clock()).toISOString() },
  });
  if (!written) return { kind: 'conflict', instrumentsList: instruments };
  return { kind: 'published', generation: written.generation, instruments: instruments.length, bytes: data.length, withFreezeQty, warnings, instrumentsList: instruments };
}

export async function handleRefreshSymbolMaster(deps: RefreshSymbolMasterDeps): Promise<HttpReply> {
  if (deps.urls.length === 0) return { status: 200, body: { status: 'skipped', reason: 'SYMBOL_MASTER_URLS is not set; the bundled sample master is in use' } };
  const started = deps.clock();
  const r = await buildAndPublishSymbolIndex(deps);
  if (r.kind === 'failed') return fail(deps, r.status, r.problems);
  if (r.kind === 'conflict') return { status: 409, body: { status: 'conflict', reason: 'another refresh wrote the index first; it is current' } };
  const ms = deps.clock() - started;
  if (r.warnings.length) {
    deps.logger.warn('symbol master refreshed with warnings', { warnings: r.warnings });
    await deps.notifier.notify({
      kind: 'symbol_master.warning',
      severity: 'warning',
      summary: `Symbol master refreshed, with warnings: ${r.warnings.slice(0, 3).join('; ')}`,
      at: deps.clock(),
      details: { warnings: r.warnings.slice(0, 20) },
    });
  }
  deps.logger.info('symbol master refreshed', { generation: r.generation, instruments: r.instruments, withFreezeQty: r.withFreezeQty, bytes: r.bytes, ms });
  return { status: 200, body: { status: 'refreshed', generation: r.generation, instruments: r.instruments, withFreezeQty: r.withFreezeQty, bytes: r.bytes, ms, warnings: r.warnings } };
}
