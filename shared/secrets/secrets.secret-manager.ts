import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { DependencyUnavailableError } from '../errors';
import type { Clock } from '../platform/clock';
import { registerSecret, type Logger } from '../platform/logger';
import { ttlCache, type TtlCache } from '../platform/ttl-cache';
import type { SecretName, SecretSource } from './secrets.port';

/** gRPC codes that mean "this secret has no usable value", as opposed to "Secret Manager is unwell". */
const NOT_FOUND = 5;
const FAILED_PRECONDITION = 9; // the latest version is disabled or destroyed

/**
 * Secrets from Secret Manager, always the `latest` version. Values are cached for `cacheMs` so a hot
 * path does not pay a round trip per request, yet a rotated secret is picked up within that time. With
 * `staleMs`, a value up to that much older still answers the request that starts reading it again
 * (requests during that read wait for it, see ttlCache): a request after a quiet spell (most alerts)
 * does not wait for Secret Manager, nor fail when it is briefly unavailable. `fresh` answers only a
 * value within `cacheMs`, for a caller about to refuse a key (presentedSecretMatches), so a rotated key
 * is accepted once `cacheMs` has passed; the old one then passes at most on an instance's first request
 * after that (on more only while Secret Manager fails to answer), and never after the two added.
 * Each read gives up after `readTimeoutMs` (1.5 s unless told), retries included.
 * Every value read is registered with the logger's redaction, and no value ever appears in a log line
 * or an error message from here.
 */
export function createSecretManagerSource(
  client: SecretManagerServiceClient,
  projectId: string,
  opts: { clock: Clock; cacheMs: number; staleMs?: number; readTimeoutMs?: number; logger?: Logger },
): SecretSource {
  const loaders = new Map<SecretName, TtlCache<string | undefined>>();
  // The client's own settings wait up to 60 s, retrying UNAVAILABLE from 2 s on. An alert that waited
  // that long would pass TradingView's 3 s, which drops it without a resend, where a 503 within the
  // bound is resent. Quick retries, and the whole read bounded, retries included.
  const timeout = opts.readTimeoutMs ?? 1_500;
  const readBound = {
    timeout,
    retry: {
      backoffSettings: {
        initialRetryDelayMillis: 50,
        retryDelayMultiplier: 2,
        maxRetryDelayMillis: 400,
        initialRpcTimeoutMillis: timeout,
        rpcTimeoutMultiplier: 1,
        maxRpcTimeoutMillis: timeout,
        totalTimeoutMillis: timeout,
      },
    },
  };

  const fetchValue = async (name: SecretName): Promise<string | undefined> => {
    const resource = `projects/${projectId}/secrets/${name}/versions/latest`;
    try {
      const [version] = await client.accessSecretVersion({ name: resource }, readBound);
      const raw = version.payload?.data;
      if (raw === undefined || raw === null) return undefined;
      // `gcloud secrets versions add --data-file=-` from `echo` leaves a newline no one meant to store.
      const value = Buffer.from(raw).toString('utf8').replace(/\r?\n$/, '');
      if (value === '') return undefined;
      registerSecret(value);
      return value;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (code === NOT_FOUND || code === FAILED_PRECONDITION) {
        opts.logger?.warn('secret has no usable version', { secret: name, grpcCode: code });
        return undefined;
      }
      opts.logger?.error('secret manager read failed', { secret: name, grpcCode: code });
      // The cause is kept for diagnosis; gRPC errors carry the resource name, never the payload.
      throw new DependencyUnavailableError('Secret Manager is unavailable', { secret: name, grpcCode: code }, { cause: e });
    }
  };

  return {
    get(name, { fresh = false } = {}) {
      let load = loaders.get(name);
      if (!load) {
        load = ttlCache(() => fetchValue(name), opts.cacheMs, opts.clock, opts.staleMs);
        loaders.set(name, load);
      }
      return fresh ? load.fresh() : load();
    },
  };
}
