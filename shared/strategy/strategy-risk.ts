import type { Position } from '../broker/broker.port';
import type { Holding } from '../store/holdings.port';
import type { StrategyDayState } from '../store/controls.port';
import type { StrategyRiskRules } from '../config/strategy-risk-config';

export type { StrategyRiskConfig, StrategyRiskRules } from '../config/strategy-risk-config';

export type RiskRule = 'stop' | 'target' | 'profit-lock' | 'daily-target';

export interface RiskVerdict {
  /** The best MTM seen so far today, to keep for the next evaluation (the profit lock needs it). */
  peak: number;
  breach?: { rule: RiskRule; summary: string };
}

const rupees = (n: number) => `₹${Math.round(n).toLocaleString('en-IN')}`;

/**
 * The strategies' MTM from ONE positions read for the whole account. The broker cannot tell strategies
 * apart, so each contract's day P&L (realised + unrealised) is shared among the strategies that hold it
 * in the bridge's book, by quantity; a contract no strategy holds belongs to none.
 */
export function strategyMtm(positions: Position[], holdings: Holding[]): Map<string, number> {
  const held = new Map<string, Array<{ strategy: string; qty: number }>>();
  for (const h of holdings) {
    for (const l of h.legs) {
      const key = `${l.ticker}|${l.productType}`;
      held.set(key, [...(held.get(key) ?? []), { strategy: h.strategy, qty: l.qty }]);
    }
  }
  const out = new Map<string, number>();
  for (const p of positions) {
    const holders = held.get(`${p.symbol}|${p.productType}`);
    if (!holders) continue;
    const pnl = p.pnl ?? (p.realized ?? 0) + (p.unrealized ?? 0);
    const total = holders.reduce((s, x) => s + x.qty, 0);
    for (const x of holders) out.set(x.strategy, (out.get(x.strategy) ?? 0) + (total > 0 ? (pnl * x.qty) / total : 0));
  }
  for (const [k, v] of out) out.set(k, Math.round(v * 100) / 100);
  return out;
}

/** Which rule (if any) the strategy's MTM hits now; the first that applies, losses first. */
export function evaluateStrategyRisk(strategy: string, rules: StrategyRiskRules, mtm: number, peakBefore: number | undefined): RiskVerdict {
  const peak = Math.max(peakBefore ?? mtm, mtm);
  const hit = (rule: RiskRule, summary: string): RiskVerdict => ({ peak, breach: { rule, summary: `Strategy ${strategy}: ${summary}` } });
  if (rules.stop !== undefined && mtm <= -rules.stop) return hit('stop', `MTM ${rupees(mtm)} reached its stop of -${rupees(rules.stop)}`);
  if (rules.lockAfter !== undefined && rules.lockGiveBack !== undefined && peak >= rules.lockAfter && mtm <= peak - rules.lockGiveBack) {
    return hit('profit-lock', `MTM ${rupees(mtm)} gave back ${rupees(peak - mtm)} from its best of ${rupees(peak)} (profit lock: after ${rupees(rules.lockAfter)}, at most ${rupees(rules.lockGiveBack)} back)`);
  }
  if (rules.target !== undefined && mtm >= rules.target) return hit('target', `MTM ${rupees(mtm)} reached its target of ${rupees(rules.target)}`);
  if (rules.dailyTarget !== undefined && mtm >= rules.dailyTarget) return hit('daily-target', `MTM ${rupees(mtm)} reached the daily profit target of ${rupees(rules.dailyTarget)}`);
  return { peak };
}


/**
 * A strategy's day as one run saw it, merged into the day as it stands at the write: a day's state only
 * ever moves forward (its peak up, a stop kept), so a run that read before another wrote can neither
 * lower the peak nor lift the other's stop. A state of an earlier day gives way to the newer one.
 */
export function mergeDayState(stored: StrategyDayState | undefined, seen: StrategyDayState): StrategyDayState {
  if (!stored || stored.day < seen.day) return seen;
  if (stored.day > seen.day) return stored;
  const peaks = [stored.peak, seen.peak].filter((p): p is number => p !== undefined);
  const stopped = stored.stopped ?? seen.stopped;
  return { day: seen.day, ...(peaks.length > 0 ? { peak: Math.max(...peaks) } : {}), ...(stopped ? { stopped } : {}) };
}
