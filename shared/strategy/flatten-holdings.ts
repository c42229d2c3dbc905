import type { Broker } from '../broker/broker.port';
import { sha256Hex } from '../platform/ids';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { Holding, HoldingsStore } from '../store/holdings.port';
import type { LeaseStore } from '../store/lease.port';
import { addCloses, bookExecution, freezeQtyFor, type PlanBuilder } from './close-plan';
import { executePlan, NothingSentError, type Execution } from './execute-legs';
import { positionPool, reconcileLegs } from './transition-plan';

export interface FlattenDeps {
  clock: Clock;
  logger: Logger;
  broker: Broker;
  holdings: HoldingsStore;
  leases: LeaseStore;
  freezeQtyOverrides: Record<string, number>;
  /** Who holds the holding locks while this runs. */
  owner: string;
  lockMs: number;
}

export interface FlattenReport {
  execution: Execution;
  /** Order ids of working orders cancelled. */
  cancelled: string[];
  /** Holdings skipped because an alert of that strategy held the lock. */
  busy: string[];
}

/**
 * Closes the given holdings outside an alert (square-off, loss limit): every leg reconciled against the
 * broker's positions first, so a rerun closes only what is still open; written legs bought back before
 * bought ones are sold; quantities above the freeze limit sliced; then the working orders in those
 * contracts (and, when asked, every working order the bridge tagged) cancelled. `runKey` names the run:
 * its tags and its booking derive from it, so a retried run books nothing twice.
 */
export async function flattenHoldings(
  deps: FlattenDeps,
  targets: Holding[],
  runKey: string,
  opts: { cancelProduct?: 'INTRADAY' | 'MARGIN'; cancelTagged?: boolean } = {},
): Promise<FlattenReport> {
  const locked: string[] = [];
  const busy: string[] = [];
  const mine: Holding[] = [];
  for (const t of targets) {
    const name = `holding:${t.strategy}|${t.underlying}`;
    if (await deps.leases.tryAcquire(name, deps.owner, deps.lockMs, deps.clock())) {
      locked.push(name);
      mine.push(t);
    } else busy.push(`${t.strategy}|${t.underlying}`);
  }
  const b: PlanBuilder = { plan: [], meta: new Map() };
  const baseTag = 'tv' + sha256Hex(runKey).slice(0, 24);
  let execution: Execution = { status: 'placed', legs: [] };
  const cancelled: string[] = [];
  try {
    const pool = positionPool(await deps.broker.getPositions());
    for (const t of mine) {
      const fresh = (await deps.holdings.get(t.strategy, t.underlying)) ?? t;
      // Only the legs the caller chose (e.g. INTRADAY ones) are closed.
      const chosen = fresh.legs.filter((l) => t.legs.some((x) => x.ticker === l.ticker && x.side === l.side));
      addCloses(b, { strategy: t.strategy, underlying: t.underlying }, reconcileLegs(chosen, pool).legs, baseTag, freezeQtyFor(t.underlying, deps.freezeQtyOverrides));
    }
    if (b.plan.length) {
      try {
        execution = await executePlan(deps, b.plan, { allOrNothing: false, notAfter: Number.POSITIVE_INFINITY });
      } catch (e) {
        throw e instanceof NothingSentError ? e.cause : e;
      }
      await bookExecution(deps.holdings, b, execution, runKey, deps.clock());
    }
    cancelled.push(...(await cancelWorking(deps, new Set(mine.flatMap((t) => t.legs.map((l) => l.ticker))), opts)));
  } finally {
    for (const name of locked) await deps.leases.release(name, deps.owner).catch(() => undefined);
  }
  return { execution, cancelled, busy };
}

/**
 * Cancels working orders in the given contracts (and, with `cancelTagged`, every working order the
 * bridge tagged), optionally of one product only. Returns the ids cancelled; a refusal is logged, not thrown.
 */
export async function cancelWorking(
  deps: { broker: Broker; logger: Logger },
  tickers: Set<string>,
  opts: { cancelProduct?: 'INTRADAY' | 'MARGIN'; cancelTagged?: boolean } = {},
): Promise<string[]> {
  const book = await deps.broker.findOrders({});
  const working = book.filter(
    (o) => (o.state === 'working' || o.state === 'partially_filled') &&
      (tickers.has(o.symbol) || (opts.cancelTagged && /^t[vx]/.test(o.orderTag ?? ''))) &&
      (opts.cancelProduct === undefined || o.productType === opts.cancelProduct),
  );
  const cancelled: string[] = [];
  for (const o of working) {
    const c = await deps.broker.cancelOrder(o.orderId).catch((e: unknown) => {
      deps.logger.warn('could not cancel a working order while flattening', { orderId: o.orderId, error: e });
      return { cancelled: false };
    });
    if (c.cancelled) cancelled.push(o.orderId);
  }
  return cancelled;
}
