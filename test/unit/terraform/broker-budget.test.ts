import fs from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../../shared/config/config';
import { budgetProblems, budgetWithinLimits, perInstance, type BrokerShare } from '../../helpers/terraform/broker-budget';
import { readDeclaredShares, readIntegerRange, readRates, readTfvars, readVariableDefaults, type DeclaredShare } from '../../helpers/terraform/broker-shares-reader';

const TF_DIR = path.resolve(__dirname, '../../../terraform');
const read = (file: string) => fs.readFileSync(path.join(TF_DIR, file), 'utf8');

/** readyz asks Fyers for the profile without the reserved IP (profile reads are not IP-bound). */
const CALLS_FYERS_WITHOUT_STATIC_IP = ['readyz'];

describe('budgetProblems (the arithmetic the deployment test relies on)', () => {
  const table: BrokerShare[] = [
    { name: 'webhook', perSecond: 4, perMinute: 90, instances: 1 },
    { name: 'console', perSecond: 0.5, perMinute: 8, instances: 3 },
  ];
  const budget = { perSecond: 8, perMinute: 180 };

  it('passes a table within the budget', () => {
    expect(budgetProblems(table, budget)).toEqual([]);
    expect(budgetWithinLimits(table, budget)).toBe(true);
  });

  it('fails a table whose shares add up to more than the budget, per second or per minute', () => {
    const over = [...table, { name: 'greedy', perSecond: 4, perMinute: 100, instances: 1 }];
    expect(budgetWithinLimits(over, budget)).toBe(false);
    expect(budgetProblems(over, budget).join('\n')).toMatch(/8\.5\/s.*\n.*198\/min/);
  });

  it('fails when fractional instances could together break a Fyers minute, though the average fits', () => {
    // 150/min on average, but 101 instances at 0.495/min can each put one call into the same minute.
    const thin = [
      { name: 'a', perSecond: 1, perMinute: 100, instances: 1 },
      { name: 'b', perSecond: 1, perMinute: 50, instances: 101 },
    ];
    expect(budgetProblems(thin, budget)).toEqual([expect.stringMatching(/worst minute .* 201 calls/)]);
  });

  it('refuses zero or negative shares and functions without instances', () => {
    expect(budgetWithinLimits([{ name: 'z', perSecond: 0, perMinute: 1, instances: 1 }], budget)).toBe(false);
    expect(budgetWithinLimits([{ name: 'z', perSecond: 1, perMinute: 1, instances: 0 }], budget)).toBe(false);
  });

  it('rounds an instance part down, so instances together never exceed their share', () => {
    expect(perInstance(8, 3)).toBe(2.666);
    expect(perInstance(4, 3) * 3).toBeLessThanOrEqual(4);
  });
});

describe('the Fyers shares declared in terraform/', () => {
  const declared = readDeclaredShares(read('functions.tf'));
  const variablesTf = read('variables.tf');
  const defaults = readVariableDefaults(variablesTf);
  const example = readTfvars(read('terraform.tfvars.example'));
  const setting = (name: string) => example[name] ?? defaults[name];
  const budget = readRates(setting('broker_account_budget'), 'broker_account_budget');

  /** Every value max_instances can take for this function: a literal, or each value its variable allows. */
  const instanceChoices = (f: DeclaredShare): number[] => {
    if (/^\d+$/.test(f.maxInstances)) return [Number(f.maxInstances)];
    const v = /^var\.(\w+)$/.exec(f.maxInstances);
    if (!v) throw new Error(`${f.name}: max_instances = ${f.maxInstances} is neither a number nor a variable this test can resolve`);
    const range = readIntegerRange(variablesTf, v[1]!);
    const chosen = Number(setting(v[1]!));
    if (!range) return [chosen];
    return Array.from({ length: range[1] - range[0] + 1 }, (_, i) => range[0] + i);
  };

  /** Every deployment the variables allow: one table of shares per combination of instance counts. */
  const deployments = (): BrokerShare[][] =>
    declared
      .filter((f) => f.share)
      .reduce<BrokerShare[][]>((tables, f) => tables.flatMap((t) => instanceChoices(f).map((n) => [...t, { name: f.name, ...f.share!, instances: n }])), [[]]);

  it('gives every function that calls Fyers a share', () => {
    const callers = declared.filter((f) => f.staticEgress === 'true' || CALLS_FYERS_WITHOUT_STATIC_IP.includes(f.name));
    expect(callers.map((f) => f.name).sort()).toEqual(['authCallback', 'console', 'orderUpdates', 'readyz', 'reconcileOrders', 'refreshToken', 'squareOff', 'webhook']);
    for (const f of callers) expect({ name: f.name, share: f.share }).toEqual({ name: f.name, share: expect.objectContaining({ perSecond: expect.any(Number) }) });
  });

  it('keeps the default budget under Fyers’ limits with headroom', () => {
    expect(budget.perSecond).toBeLessThan(10);
    expect(budget.perMinute).toBeLessThan(200);
  });

  it('fits the budget in every deployment the variables allow', () => {
    const all = deployments();
    expect(all.length).toBeGreaterThanOrEqual(8); // webhook_max_instances 1..8
    for (const table of all) expect({ instances: table.map((s) => `${s.name}×${s.instances}`).join(' '), problems: budgetProblems(table, budget) }).toMatchObject({ problems: [] });
  });

  it('writes per-instance values the code accepts', () => {
    for (const table of deployments())
      for (const s of table) {
        const env = { BROKER_MAX_PER_SECOND: String(perInstance(s.perSecond, s.instances)), BROKER_MAX_PER_MINUTE: String(perInstance(s.perMinute, s.instances)) };
        const parsed = parseConfig(env).fyers;
        expect(parsed.maxPerSecond).toBeGreaterThan(0);
        expect(parsed.maxPerMinute).toBeGreaterThan(0);
      }
  });
});
