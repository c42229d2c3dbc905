import type { Broker } from '../../shared/broker/broker.port';
import type { Clock } from '../../shared/platform/clock';
import type { Logger } from '../../shared/platform/logger';
import type { SymbolIndex } from '../../shared/symbols/instrument';
import type { HttpReply } from '../http-response';

/** One dependency's health, in words an operator can act on and nothing an attacker can use. */
export interface Check {
  ok: boolean;
  detail?: string;
  [k: string]: unknown;
}

export interface ReadyzDeps {
  clock: Clock;
  logger: Logger;
  broker: Broker;
  symbols: () => Promise<SymbolIndex>;
  /** Named probes of the remaining dependencies (store, secrets, notifications, breaker…). */
  probes: Record<string, () => Promise<Check>>;
  /** Bounds every probe so readiness answers even when a dependency hangs. */
  probeTimeoutMs: number;
}

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())]);

async function run(name: string, probe: () => Promise<Check>, deps: ReadyzDeps): Promise<Check> {
  try {
    return await withTimeout(probe(), deps.probeTimeoutMs);
  } catch (e) {
    deps.logger.warn('readiness probe failed', { probe: name, error: e });
    return { ok: false, detail: 'unavailable' };
  }
}

/** 200 only when an alert could trade right now; otherwise 503 naming the parts that fail. */
export async function handleReadyz(deps: ReadyzDeps): Promise<HttpReply> {
  const probes: Record<string, () => Promise<Check>> = {
    broker: async () => {
      const s = await deps.broker.checkSession();
      return {
        ok: s.valid,
        broker: deps.broker.name,
        expiresAt: s.expiresAt ? new Date(s.expiresAt).toISOString() : undefined,
        detail: s.valid ? undefined : s.reason ?? 'session is not valid; log in again',
      };
    },
    symbolMaster: async () => {
      const index = await deps.symbols();
      const builtAt = index.meta?.builtAt;
      return {
        ok: index.instrumentCount > 0,
        source: index.meta?.source ?? 'unknown',
        version: index.version,
        builtAt: builtAt ? new Date(builtAt).toISOString() : undefined,
        ageHours: builtAt ? Math.round(((deps.clock() - builtAt) / 3_600_000) * 10) / 10 : undefined,
        instruments: index.instrumentCount,
      };
    },
    ...deps.probes,
  };
  const names = Object.keys(probes);
  const results = await Promise.all(names.map((n) => run(n, probes[n]!, deps)));
  const checks = Object.fromEntries(names.map((n, i) => [n, results[i]]));
  const ready = results.every((r) => r.ok);
  return { status: ready ? 200 : 503, body: { status: ready ? 'ready' : 'not_ready', checkedAt: new Date(deps.clock()).toISOString(), checks } };
}
