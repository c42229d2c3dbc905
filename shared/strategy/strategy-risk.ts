import type { Position } from '../broker/broker.port';
import type { Holding } from '../store/holdings.port';

/**
 * Per-strategy risk rules (STRATEGY_RISK), in rupees, beside the account-wide loss limit:
 * - `stop`: the strategy's MTM at or below -stop;
 * - `target`: its MTM at or above +target;
 * - `lockAfter` + `lockGiveBack` (profit lock): once its MTM reached +lockAfter, never give back more
 *   than lockGiveBack from the best MTM seen that day;
 * - `dailyTarget`: its MTM at or above the day's target.
 * Any of them, when hit, means: flatten that strategy only, stop it for the day, tell the operator.
 */
export interface StrategyRiskRules {
  stop?: number;
  target?: number;
  lockAfter?: number;
  lockGiveBack?: number;
  dailyTarget?: number;
}

export type StrategyRiskConfig = Record<string, StrategyRiskRules>;

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

/** STRATEGY_RISK: a JSON object, strategy id → rules; every figure a positive number of rupees. */
export function parseStrategyRisk(raw: string | undefined): StrategyRiskConfig {
  if (!raw || !raw.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('STRATEGY_RISK must be JSON: {"<strategy id>": {"stop": 3000, "target": 5000, "lockAfter": 4000, "lockGiveBack": 1500, "dailyTarget": 8000}}');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('STRATEGY_RISK must be a JSON object keyed by strategy id');
  const out: StrategyRiskConfig = {};
  const keys = ['stop', 'target', 'lockAfter', 'lockGiveBack', 'dailyTarget'] as const;
  for (const [id, rules] of Object.entries(parsed as Record<string, unknown>)) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(id)) throw new Error(`STRATEGY_RISK: '${id.slice(0, 64)}' is not a strategy id (1-64 letters, digits or _ . -)`);
    if (!rules || typeof rules !== 'object' || Array.isArray(rules)) throw new Error(`STRATEGY_RISK.${id} must be an object of rules`);
    const r: StrategyRiskRules = {};
    for (const [k, v] of Object.entries(rules as Record<string, unknown>)) {
      if (!(keys as readonly string[]).includes(k)) throw new Error(`STRATEGY_RISK.${id}.${k} is not a rule (use ${keys.join(', ')})`);
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`STRATEGY_RISK.${id}.${k} must be a positive number of rupees`);
      r[k as (typeof keys)[number]] = v;
    }
    if ((r.lockAfter === undefined) !== (r.lockGiveBack === undefined)) throw new Error(`STRATEGY_RISK.${id}: the profit lock needs both lockAfter and lockGiveBack`);
    out[id] = r;
  }
  return out;
}
