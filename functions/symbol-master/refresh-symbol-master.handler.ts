import type { BlobStore } from '../../shared/blob/blob.port';
import type { Notifier } from '../../shared/notify/notifier.port';
import type { Clock } from '../../shared/platform/clock';
import type { Logger } from '../../shared/platform/logger';
import type { Instrument } from '../../shared/symbols/instrument';
import { parseSymbolMaster } from '../../shared/symbols/parse-symbol-master';
import { encodeSymbolIndex } from '../../shared/symbols/symbol-index.codec';
import { validateSymbolMaster } from '../../shared/symbols/validate-symbol-master';
import type { HttpReply } from '../http-response';

export interface RefreshSymbolMasterDeps {
  clock: Clock;
  logger: Logger;
  blobs: BlobStore;
  objectName: string;
  urls: string[];
  /** Downloads one CSV as text (ky with a timeout in production). */
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

/**
 * Downloads, parses and validates every configured master, and only then writes one compact index with
 * a generation precondition. A bad or partial download never replaces a good index: the webhook keeps
 * trading on the previous generation, and the operator is told.
 */
export async function handleRefreshSymbolMaster(deps: RefreshSymbolMasterDeps): Promise<HttpReply> {
  if (deps.urls.length === 0) return { status: 200, body: { status: 'skipped', reason: 'SYMBOL_MASTER_URLS is not set; the bundled sample master is in use' } };
  const started = deps.clock();
  const instruments: Instrument[] = [];
  const problems: string[] = [];
  const texts = await Promise.allSettled(deps.urls.map((u) => deps.download(u)));
  texts.forEach((t, i) => {
    const name = new URL(deps.urls[i]!).pathname.split('/').pop() ?? deps.urls[i]!;
    if (t.status === 'rejected') {
      deps.logger.warn('symbol master download failed', { url: deps.urls[i], error: t.reason });
      problems.push(`${name}: download failed`);
      return;
    }
    const parsed = parseSymbolMaster(t.value);
    if (parsed.instruments.length === 0) problems.push(`${name}: no usable rows (${parsed.rows} rows read)`);
    instruments.push(...parsed.instruments);
  });
  if (problems.length) return fail(deps, 502, problems);
  problems.push(...validateSymbolMaster(instruments, { underlyings: deps.underlyings, minInstruments: deps.minInstruments, nowMs: deps.clock() }));
  const current = await deps.blobs.stat(deps.objectName);
  const previousCount = Number(current?.metadata?.instruments ?? 0);
  if (previousCount > 0 && instruments.length < previousCount * deps.minShareOfPrevious) {
    problems.push(`only ${instruments.length} instruments against ${previousCount} in the current index; looks partial`);
  }
  if (problems.length) return fail(deps, 422, problems);

  const data = encodeSymbolIndex(instruments, { builtAt: deps.clock(), sources: deps.urls });
  const written = await deps.blobs.write(deps.objectName, data, {
    ifGeneration: current?.generation ?? '0',
    contentType: 'application/octet-stream',
    metadata: { instruments: String(instruments.length), builtAt: new Date(deps.clock()).toISOString() },
  });
  if (!written) return { status: 409, body: { status: 'conflict', reason: 'another refresh wrote the index first; it is current' } };
  const ms = deps.clock() - started;
  deps.logger.info('symbol master refreshed', { generation: written.generation, instruments: instruments.length, bytes: data.length, ms });
  return { status: 200, body: { status: 'refreshed', generation: written.generation, instruments: instruments.length, bytes: data.length, ms } };
}
