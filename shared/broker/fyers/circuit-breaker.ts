import { BrokerCircuitOpenError, BrokerRateLimitedError, BrokerUnavailableError } from '../../errors';
import type { Notifier } from '../../notify/notifier.port';
import type { Clock } from '../../platform/clock';
import type { Broker, PlaceOutcome } from '../broker.port';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerSnapshot {
  state: BreakerState;
  consecutiveFailures: number;
  /** Epoch ms when an open breaker lets a probe through. */
  retryAt?: number;
}

export interface CircuitBreakerOptions {
  clock: Clock;
  notifier: Notifier;
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long it stays open before one probe call is let through. */
  openMs: number;
}

/** An error that says "the broker is failing", as opposed to a rate limiter's "later" or our own refusal. */
const isBrokerFailure = (e: unknown) => e instanceof BrokerUnavailableError && !(e instanceof BrokerRateLimitedError) && !(e instanceof BrokerCircuitOpenError);
const isUnknown = (o: PlaceOutcome) => o.status === 'unknown';

/**
 * When Fyers keeps failing, every alert waiting out a 2 s timeout only to fail is the worst answer: the
 * breaker opens after `failureThreshold` consecutive failures and refuses at once with 503 (certain
 * nothing was sent, so TradingView's retry is safe). After `openMs` one probe call goes through; its
 * success closes the breaker, its failure re-opens it. A dead session or a 429 is not a broker failure.
 */
export function withCircuitBreaker(inner: Broker, opts: CircuitBreakerOptions): Broker & { snapshot(): BreakerSnapshot } {
  let state: BreakerState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let probing = false;

  const admit = () => {
    if (state === 'closed') return false;
    if (state === 'open' && opts.clock() - openedAt >= opts.openMs && !probing) {
      state = 'half-open';
      probing = true;
      return true;
    }
    throw refusal();
  };

  const refusal = () =>
    new BrokerCircuitOpenError('Fyers is failing repeatedly; refusing fast until it recovers. Nothing was sent.', Math.max(1000, openedAt + opts.openMs - opts.clock()));

  const succeeded = (probe: boolean) => {
    if (probe) probing = false;
    failures = 0;
    state = 'closed';
  };

  const failed = (probe: boolean) => {
    if (probe) probing = false;
    failures += 1;
    if (probe || (state === 'closed' && failures >= opts.failureThreshold)) {
      const wasClosed = state === 'closed';
      state = 'open';
      openedAt = opts.clock();
      if (wasClosed) {
        void opts.notifier.notify({
          kind: 'broker.circuit_open',
          severity: 'critical',
          summary: `Fyers failed ${failures} times in a row; alerts are refused fast for ${Math.round(opts.openMs / 1000)} s, then retried`,
          at: openedAt,
        });
      }
    }
  };

  // Calls that arrive while the probe is out wait for its verdict instead of being refused: an alert's
  // quote and order leave together, and the order must not lose to its own quote for the probe slot.
  let probeVerdict: Promise<void> | undefined;

  const guard = async <T>(fn: () => Promise<T>, judge: (v: T) => boolean = () => true): Promise<T> => {
    while (state === 'half-open' && probing && probeVerdict) await probeVerdict;
    const probe = admit();
    let settle: (() => void) | undefined;
    if (probe) probeVerdict = new Promise<void>((r) => (settle = r));
    try {
      const v = await fn();
      if (judge(v)) succeeded(probe);
      else failed(probe);
      return v;
    } catch (e) {
      // Any other error (dead session, a refusal) means Fyers answered: it is up.
      if (isBrokerFailure(e)) failed(probe);
      else if (probe) succeeded(probe);
      throw e;
    } finally {
      if (settle) {
        probeVerdict = undefined;
        settle();
      }
    }
  };

  return {
    name: inner.name,
    quoteBatchLimit: inner.quoteBatchLimit,
    assertAvailable: () => {
      // Open and not yet due for a probe; a half-open breaker lets the caller try for the probe slot.
      if (state === 'open' && opts.clock() - openedAt < opts.openMs) throw refusal();
      inner.assertAvailable?.();
    },
    getQuotes: (t) => guard(() => inner.getQuotes(t)),
    getPositions: () => guard(() => inner.getPositions()),
    placeOrder: (o, opts) => guard(() => inner.placeOrder(o, opts), (r) => !isUnknown(r)),
    placeBasket: (orders, opts) => guard(() => inner.placeBasket(orders, opts), (rs) => !rs.some(isUnknown)),
    modifyOrder: (id, change) => guard(() => inner.modifyOrder(id, change), (r) => r.status !== 'unknown'),
    cancelOrder: (id) => guard(() => inner.cancelOrder(id), (r) => r.status !== 'unknown'),
    getFunds: () => guard(() => inner.getFunds()),
    findOrders: (q) => guard(() => inner.findOrders(q)),
    tradebook: () => guard(() => inner.tradebook()),
    checkSession: () => inner.checkSession(),
    snapshot: () => ({
      state: state === 'open' && opts.clock() - openedAt >= opts.openMs ? 'half-open' : state,
      consecutiveFailures: failures,
      retryAt: state === 'open' ? openedAt + opts.openMs : undefined,
    }),
  };
}
