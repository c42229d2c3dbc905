import type { Broker } from '../broker/broker.port';
import { NothingSentError, type Execution, type OrderExecutor } from '../orders/execute/execute-plan';
import { sha256Hex } from '../platform/ids';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { HeldLeg, Holding, HoldingsStore } from '../store/holdings.port';
import type { LeaseStore } from '../store/lease.port';
import type { SymbolIndex } from '../symbols/instrument';
import { addCloses, bookExecution, closedContracts, freezeOf, type PlanBuilder } from './close-plan';
import { settlePending, type SettleDeps } from './settle-pending';
import { positionPool, reconcileLegs } from './transition-plan';

export interface FlattenDeps {
  clock: Clock;
  logger: Logger;
  /** Reads only (positions); every order goes through the executor. */
  broker: Broker;
  executor: OrderExecutor;
  holdings: HoldingsStore;
  /** The venue's order records, for pending orders the orderbook no longer lists (SettleDeps). */
  orderRecords?: SettleDeps['orderRecords'];
  leases: LeaseStore;
  symbols: () => Promise<SymbolIndex>;
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
  /** Closes the broker took but has not filled (MPP limits can rest): they stay working, followed by the lifecycle. */
  resting: string[];
  /** Holdings whose pending orders could not be settled (the orderbook could not be read): closed by their filled legs only. */
  unsettled: string[];
}

const emptyExecution = (): Execution => ({ status: 'placed', legs: [], outcomes: new Map(), cancelled: [], recorded: Promise.resolve(), notes: [] });

/**
 * Closes the given holdings outside an alert (square-off, loss limit) as one plan: the bridge's own
 * exits on those contracts withdrawn and the other working orders there cancelled first (so nothing
 * reopens later, and never the closes themselves), then every leg reconciled against the broker's
 * positions (a rerun closes only what is still open), written legs bought back first, each close
 * sliced above the master's freeze quantity. `runKey` names the run: its tags and its booking derive
 * from it, so a retried run books nothing twice.
 */
export async function flattenHoldings(
  deps: FlattenDeps,
  targets: Holding[],
  runKey: string,
  opts: { cancelProduct?: 'INTRADAY' | 'MARGIN'; cancelTagged?: boolean; requestId?: string } = {},
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
  let execution = emptyExecution();
  const unsettled: string[] = [];
  try {
    // Only the legs the caller chose (e.g. INTRADAY ones) are closed, and only their pending orders settled.
    const chosenOf = (t: Holding) => [...t.legs, ...(t.pending ?? []).map((p) => p.leg)];
    const picks = (t: Holding, l: Pick<HeldLeg, 'ticker' | 'side'>) => chosenOf(t).some((x) => x.ticker === l.ticker && x.side === l.side);
    const fresh = await Promise.all(mine.map(async (t) => (await deps.holdings.get(t.strategy, t.underlying)) ?? t));
    // Settled before the positions are read: a resting entry is cancelled, not left to fill after the flatten.
    // An orderbook that cannot be read must not stop the closes of what is known to be filled.
    const settled = await settlePending(deps, fresh, deps.clock(), { which: (p, h) => picks(mine.find((t) => t.strategy === h.strategy && t.underlying === h.underlying)!, p.leg) }).catch((e: unknown) => {
      deps.logger.error('could not settle pending strategy orders before a flatten; closing the filled legs only', { error: e });
      unsettled.push(...fresh.filter((h) => h.pending?.length).map((h) => `${h.strategy}|${h.underlying}`));
      return { books: fresh, cancelled: [] as string[] };
    });
    const [positions, index] = await Promise.all([deps.broker.getPositions(), deps.symbols()]);
    const pool = positionPool(positions);
    const freeze = freezeOf(index, deps.freezeQtyOverrides);
    for (const [i, t] of mine.entries()) {
      const chosen = settled.books[i]!.legs.filter((l) => picks(t, l));
      addCloses(b, { strategy: t.strategy, underlying: t.underlying }, reconcileLegs(chosen, pool).legs, baseTag, freeze);
    }
    const tickers = [...new Set(mine.flatMap((t) => chosenOf(t).map((l) => l.ticker)))];
    if (b.plan.length || opts.cancelTagged || tickers.length) {
      try {
        execution = await deps.executor.run({
          requestId: opts.requestId ?? runKey,
          orders: b.plan,
          withdrawExitsOn: closedContracts(b),
          cancelWorkingIn: { tickers, productType: opts.cancelProduct, tagged: opts.cancelTagged },
          confirm: true,
        });
      } catch (e) {
        throw e instanceof NothingSentError ? e.cause : e;
      }
      if (b.plan.length) await bookExecution(deps.holdings, b, execution, runKey, deps.clock());
    }
    execution.cancelled.unshift(...settled.cancelled);
  } finally {
    for (const name of locked) await deps.leases.release(name, deps.owner).catch(() => undefined);
  }
  return { execution, cancelled: execution.cancelled, busy, resting: restingCloses(execution), unsettled };
}

/** Closes still working after the orderbook read: the answer must say so (accepted is not filled). */
export const restingCloses = (ex: Pick<Execution, 'legs'>): string[] =>
  ex.legs.filter((l) => l.role === 'close' && l.status === 'working').map((l) => `${l.side} ${l.qty} ${l.symbol}${l.orderId ? ` (${l.orderId})` : ''}`);
