import type { Broker } from '../../shared/broker/broker.port';
import { readCacheFor } from '../../shared/broker/cached-reads';
import type { Clock } from '../../shared/platform/clock';
import type { Logger } from '../../shared/platform/logger';
import { brokerSessionVerdict, exchangeSessionVerdict, killSwitchVerdict } from '../../shared/risk/trading-readiness';
import type { TradingWindow } from '../../shared/risk/trading-window';
import type { RuntimeControls } from '../../shared/store/controls.port';
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
  /** The runtime controls as the webhook sees them (through the same short cache). */
  controls: () => Promise<RuntimeControls>;
  /** The exchange session alerts must fall in, and whether the webhook enforces it. */
  session: { window: (nowMs: number) => TradingWindow; enforce: boolean };
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

/** Every check by name, each bounded in time; shared by readyz and the console. */
export async function runReadinessChecks(deps: ReadyzDeps): Promise<Record<string, Check>> {
  const now = deps.clock();
  const probes: Record<string, () => Promise<Check>> = {
    broker: async () => {
      // Reused for a few seconds and shared by concurrent checks: uptime polls and console reloads
      // would otherwise each spend a Fyers call (GET /profile) of the app's per-minute budget.
      const s = await readCacheFor(deps.broker, { clock: deps.clock }).checkSession();
      const verdict = brokerSessionVerdict(now, s, deps.session.window(now), deps.session.enforce);
      return {
        ...verdict,
        broker: deps.broker.name,
        expiresAt: s.expiresAt ? new Date(s.expiresAt).toISOString() : undefined,
        detail: s.valid ? verdict.detail : s.reason ?? 'session is not valid; log in again',
      };
    },
    killSwitch: async () => killSwitchVerdict((await deps.controls()).tradingEnabled),
    exchangeSession: async () => exchangeSessionVerdict(now, deps.session.window(now), deps.session.enforce),
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
  return Object.fromEntries(names.map((n, i) => [n, results[i]!]));
}

/**
 * 200 only when an alert could trade right now; otherwise 503 naming the parts that fail, including the
 * kill switch, the exchange session and a broker session that ends before the exchange closes.
 */
export async function handleReadyz(deps: ReadyzDeps): Promise<HttpReply> {
  const checks = await runReadinessChecks(deps);
  const ready = Object.values(checks).every((r) => r.ok);
  const reasons = Object.entries(checks)
    .filter(([, c]) => !c.ok)
    .map(([name, c]) => `${name}: ${c.detail ?? 'not ready'}`);
  return { status: ready ? 200 : 503, body: { status: ready ? 'ready' : 'not_ready', ...(ready ? {} : { reasons }), checkedAt: new Date(deps.clock()).toISOString(), checks } };
}
