import type { Notifier } from '../../notify/notifier.port';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { AccessTokens } from '../../tokens/access-token-provider';
import type { Broker } from '../broker.port';
import { withCircuitBreaker, type BreakerSnapshot } from './circuit-breaker';
import { createFyersApi } from './fyers.api';
import { withPacing } from './paced.broker';
import { createRequestPacer, type PacerSnapshot } from './request-pacer';
import { guardSession } from './session-guarded.broker';

/** This process's share of the app's Fyers budget (10/s and 200/min per app, across every caller). */
export interface FyersBudget {
  perSecond: number;
  perMinute: number;
  /** A call that cannot get a slot within this long is not queued: the caller gets a certain refusal. */
  maxWaitMs: number;
}

export interface FyersBrokerOptions {
  apiUrl: string;
  dataUrl: string;
  appId: string;
  tokens: AccessTokens;
  timeoutMs: number;
  budget: FyersBudget;
  clock: Clock;
  logger: Logger;
  notifier: Notifier;
  /** Where the operator logs in again, for the dead-session notification. */
  loginUrl?: string;
  fetch?: typeof fetch;
}

export interface FyersBroker extends Broker {
  /** The breaker's and the pacer's state, for readiness. */
  health(): BreakerSnapshot & { pacing: PacerSnapshot };
}

/**
 * The only way to reach Fyers: the REST adapter wrapped, inside this folder, in the pacer (this
 * process's share of the app budget, orders before reads), the circuit breaker and the session guard.
 * Nothing outside broker/fyers/ can build the unwrapped adapter, so nothing can reach Fyers unpaced.
 */
export function createFyersBroker(opts: FyersBrokerOptions): FyersBroker {
  const api = createFyersApi({
    apiUrl: opts.apiUrl,
    dataUrl: opts.dataUrl,
    appId: opts.appId,
    accessToken: () => opts.tokens.accessToken(),
    timeoutMs: opts.timeoutMs,
    logger: opts.logger,
    fetch: opts.fetch,
  });
  const pacer = createRequestPacer({ clock: opts.clock, perSecond: opts.budget.perSecond, perMinute: opts.budget.perMinute, maxWaitMs: opts.budget.maxWaitMs });
  const breaker = withCircuitBreaker(withPacing(api, pacer, { coalesceMs: 5 }), { clock: opts.clock, notifier: opts.notifier, failureThreshold: 5, openMs: 30_000 });
  const guarded = guardSession(breaker, { tokens: opts.tokens, notifier: opts.notifier, clock: opts.clock, loginUrl: opts.loginUrl });
  return { ...guarded, health: () => ({ ...breaker.snapshot(), pacing: pacer.snapshot() }) };
}
