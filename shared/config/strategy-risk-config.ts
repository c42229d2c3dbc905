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
