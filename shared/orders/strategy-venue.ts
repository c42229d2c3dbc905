import type { RuntimeControls, StrategyVenue } from '../store/controls.port';

/**
 * Where a strategy's alerts trade: the console's switch for that id when it has one, else
 * PAPER_STRATEGIES, else live. Alerts without a strategy id are always live: paper is a property of
 * a strategy being forward-tested, not of a single order.
 */
export function venueOf(strategy: string | undefined, controls: Pick<RuntimeControls, 'strategyVenue'>, paperStrategies: readonly string[]): StrategyVenue {
  if (strategy === undefined) return 'live';
  return controls.strategyVenue?.[strategy] ?? (paperStrategies.includes(strategy) ? 'paper' : 'live');
}
