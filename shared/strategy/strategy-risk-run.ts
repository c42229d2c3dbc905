import { RiskRefusedError } from '../errors';
import type { Notifier } from '../notify/notifier.port';
import { istParts } from '../platform/ist';
import type { ControlsStore, RuntimeControls, StrategyDayState, StrategyVenue } from '../store/controls.port';
import { holdsAnything } from '../store/holdings.port';
import { venueOf } from '../orders/strategy-venue';
import { flattenHoldings, type FlattenDeps } from './flatten-holdings';
import { settlePending } from './settle-pending';
import { evaluateStrategyRisk, mergeDayState, strategyMtm, type StrategyRiskConfig } from './strategy-risk';

export interface StrategyRiskDeps extends FlattenDeps {
  controls: ControlsStore;
  notifier: Notifier;
  rules: StrategyRiskConfig;
  /** Told when this run changed the controls, so this instance's cached copy follows at once. */
  onControlsChanged?: (after: RuntimeControls) => void;
  /**
   * Which strategies this run judges: those trading on this book. The live run reads the broker's
   * positions, the forward test's run the paper book's; a strategy is judged by the one it trades on.
   */
  venue: { book: StrategyVenue; paperStrategies: readonly string[] };
}

export interface StrategyRiskRun {
  /** MTM per strategy with rules, as evaluated this run. */
  mtm: Record<string, number>;
  /** Strategies stopped by this run. */
  stopped: string[];
}

/**
 * The per-strategy risk rules, run from the scheduled reconcile each minute: ONE positions read for the
 * whole account, each strategy's MTM from the contracts it holds, and for a strategy that hits a rule:
 * that strategy only is flattened (through flattenHoldings and the executor), stopped for the day (its
 * alerts are refused, see assertStrategyRunning) and the operator is told the rule and the figures.
 */
export async function enforceStrategyRisk(deps: StrategyRiskDeps): Promise<StrategyRiskRun> {
  const run: StrategyRiskRun = { mtm: {}, stopped: [] };
  if (Object.keys(deps.rules).length === 0) return run;
  const now = deps.clock();
  const day = istParts(now).date;
  const [holdings, controls] = await Promise.all([deps.holdings.list({}), deps.controls.get()]);
  const ids = Object.keys(deps.rules).filter((id) => venueOf(id, controls, deps.venue.paperStrategies) === deps.venue.book);
  // No rule on this book: its positions are not read (on paper that read costs a live quote call).
  if (ids.length === 0) return run;
  // A strategy's entry that rested and filled since its alert counts in its MTM: its fills are booked
  // first (nothing is cancelled here; only a signal or a flatten supersedes a resting order).
  const [positions, settled] = await Promise.all([
    deps.broker.getPositions(),
    settlePending(deps, holdings, now, { keepResting: true }).catch((e: unknown) => {
      // Judged on the booked fills alone this minute, rather than not at all.
      deps.logger.warn('could not book pending strategy fills before the risk rules; judging the booked fills', { error: e });
      return { books: holdings };
    }),
  ]);
  const mtm = strategyMtm(positions, settled.books);
  const days = controls.strategyDay ?? {};
  /** The states this run changed: only they are written, merged into the map as it then stands. */
  const changed: Record<string, StrategyDayState> = {};
  for (const id of ids) {
    const rules = deps.rules[id]!;
    const state: StrategyDayState = days[id]?.day === day ? { ...days[id]! } : { day };
    if (state.stopped) continue;
    const held = settled.books.filter((h) => h.strategy === id && holdsAnything(h));
    const value = mtm.get(id) ?? 0;
    run.mtm[id] = value;
    if (held.length === 0 && state.peak === undefined) continue; // nothing held, nothing to watch
    const verdict = evaluateStrategyRisk(id, rules, value, state.peak);
    if (verdict.breach) {
      const flat = await flattenHoldings(deps, held, `strategy-risk:${id}:${day}`, { requestId: `strategy-risk-${id}-${day}` }).catch((e: unknown) => {
        deps.logger.error('could not flatten a strategy at its risk rule', { strategy: id, error: e });
        return undefined;
      });
      changed[id] = { day, peak: verdict.peak, stopped: { rule: verdict.breach.rule, summary: verdict.breach.summary, at: now } };
      run.stopped.push(id);
      await deps.notifier.notify({
        kind: 'strategy.risk',
        severity: 'critical',
        summary: `${verdict.breach.summary}. Flattened ${flat ? `${flat.execution.status} (${flat.execution.legs.length} orders)` : 'FAILED: check the positions'}; ${id} is stopped for today.`,
        at: now,
        details: { strategy: id, rule: verdict.breach.rule, mtm: value, peak: verdict.peak, rules, legs: flat?.execution.legs, busy: flat?.busy },
      });
    } else if (rules.lockAfter !== undefined && verdict.peak >= rules.lockAfter && verdict.peak !== state.peak) {
      // The best MTM is kept only once the lock is armed: the one rule that needs memory.
      changed[id] = { ...state, peak: verdict.peak };
    }
  }
  if (Object.keys(changed).length > 0) {
    // Merged inside the update: another run may have written meanwhile (other strategies, or these).
    const change = await deps.controls.update(
      (current) => ({ strategyDay: { ...current.strategyDay, ...Object.fromEntries(Object.entries(changed).map(([id, seen]) => [id, mergeDayState(current.strategyDay?.[id], seen)])) } }),
      'strategy-risk',
      now,
    );
    deps.onControlsChanged?.(change.after);
  }
  return run;
}

/** The rules on each book in turn (each reads the controls its predecessor may have changed), as one run. */
export async function enforceStrategyRiskOn(books: StrategyRiskDeps[]): Promise<StrategyRiskRun> {
  const run: StrategyRiskRun = { mtm: {}, stopped: [] };
  for (const book of books) {
    const r = await enforceStrategyRisk(book);
    Object.assign(run.mtm, r.mtm);
    run.stopped.push(...r.stopped);
  }
  return run;
}

/** Refuses an alert of a strategy a risk rule stopped for today, saying which rule and why. */
export function assertStrategyRunning(controls: RuntimeControls, strategy: string | undefined, nowMs: number): void {
  if (!strategy) return;
  const s = controls.strategyDay?.[strategy];
  if (s?.stopped && s.day === istParts(nowMs).date) {
    throw new RiskRefusedError(`Strategy ${strategy} is stopped for today by its ${s.stopped.rule} rule (${s.stopped.summary}); nothing was sent`, { field: 'strategy' });
  }
}
