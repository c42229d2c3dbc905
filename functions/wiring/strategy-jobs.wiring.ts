import type { OrderExecutor } from '../../shared/orders/execute/execute-plan';
import type { LossLimitDeps } from '../../shared/strategy/daily-loss';
import type { FlattenDeps } from '../../shared/strategy/flatten-holdings';
import type { StrategyRiskDeps } from '../../shared/strategy/strategy-risk-run';
import type { SquareOffDeps } from '../square-off/square-off.handler';
import type { WiringContext } from './wiring-context';
import type { ForwardTest } from './forward-test.wiring';

/** Flattens outside an alert: the scheduled square-off and the account's daily loss limit. */
export function strategyJobs(w: WiringContext, executor: OrderExecutor, paper: ForwardTest): { flatten: FlattenDeps; paperFlatten: FlattenDeps; squareOff: SquareOffDeps; lossLimit?: LossLimitDeps; strategyRisk?: StrategyRiskDeps[] } {
  const { config, adapters, clock, logger, instanceId } = w;
  const flatten: FlattenDeps = {
    clock,
    logger,
    broker: adapters.broker,
    executor,
    symbols: w.symbols,
    holdings: adapters.holdings,
    orderRecords: adapters.orderRecords,
    leases: adapters.leases,
    freezeQtyOverrides: config.risk.freezeQtyOverrides,
    owner: `${instanceId}:flatten`,
    lockMs: config.idempotencyLeaseMs,
  };
  // The loss limit and the strategy risk rules judge the broker's account, so they see only live books;
  // square-off closes paper strategies on their own book at the same times, as live ones would be.
  const paperFlatten: FlattenDeps = { ...flatten, broker: paper.venue.broker, executor: paper.venue.executor, holdings: paper.venue.holdings, orderRecords: paper.venue.orderRecords, owner: `${instanceId}:paper-flatten` };
  const squareOff: SquareOffDeps = { ...flatten, notifier: adapters.notifier, atMin: config.squareOff.atMin, byStrategy: config.squareOff.byStrategy, forwardTest: paperFlatten };
  const riskOn = (book: FlattenDeps, venue: StrategyRiskDeps['venue']): StrategyRiskDeps => ({
    ...book,
    controls: adapters.controls,
    notifier: adapters.notifier,
    rules: config.strategyRisk,
    onControlsChanged: (after) => w.controls.changed(after),
    venue,
  });
  // A strategy's rules are judged on the book it trades on: live ones on the broker's positions, paper
  // ones (a forward test, rules and all) on the paper book's, one after the other.
  const strategyRisk: StrategyRiskDeps[] | undefined = Object.keys(config.strategyRisk).length === 0 ? undefined : [
    riskOn(flatten, { book: 'live', paperStrategies: config.paperStrategies }),
    riskOn(paperFlatten, { book: 'paper', paperStrategies: config.paperStrategies }),
  ];
  if (config.dailyLossLimit === undefined) return { flatten, paperFlatten, squareOff, ...(strategyRisk ? { strategyRisk } : {}) };
  const lossLimit: LossLimitDeps = {
    ...flatten,
    controls: adapters.controls,
    notifier: adapters.notifier,
    limit: config.dailyLossLimit,
    flattenOnLimit: config.lossLimitFlatten,
    // Real money: a day whose P&L the broker does not report is not a day without losses.
    requirePnl: config.broker === 'fyers',
    // This instance must refuse the next alert at once, not after its controls cache expires.
    onControlsChanged: (after) => w.controls.changed(after),
  };
  return { flatten, paperFlatten, squareOff, lossLimit, ...(strategyRisk ? { strategyRisk } : {}) };
}
