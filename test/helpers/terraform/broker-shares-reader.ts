import { parseHcl, parseObject, type HclBody } from './hcl-lite';

/** One function's entry in local.functions, as far as the broker budget goes; numbers as written. */
export interface DeclaredShare {
  name: string;
  /** Absent when the function declares `broker_share = null` (no Fyers calls). */
  share?: { perSecond: number; perMinute: number };
  /** `max_instances` as written: a number, or a `var.x` reference. */
  maxInstances: string;
  staticEgress?: string;
}

const number = (expr: string | undefined, what: string): number => {
  const n = expr === undefined ? NaN : Number(expr.trim());
  if (!Number.isFinite(n)) throw new Error(`${what}: expected a number literal, found ${expr}`);
  return n;
};

/** Every entry of `local.functions` with its broker_share and max_instances. */
export function readDeclaredShares(functionsTf: string): DeclaredShare[] {
  const locals = parseHcl(functionsTf).blocks.filter((b) => b.type === 'locals' && b.body.attributes.functions !== undefined);
  if (locals.length !== 1) throw new Error('expected one locals block holding functions');
  return Object.entries(parseObject(locals[0]!.body.attributes.functions!).attributes).map(([name, expr]) => {
    const a = parseObject(expr).attributes;
    if (a.broker_share === undefined) throw new Error(`${name}: declares no broker_share (write null for no share)`);
    if (a.max_instances === undefined) throw new Error(`${name}: no max_instances`);
    const share =
      a.broker_share.trim() === 'null'
        ? undefined
        : (() => {
            const s = parseObject(a.broker_share).attributes;
            return { perSecond: number(s.per_second, `${name}.broker_share.per_second`), perMinute: number(s.per_minute, `${name}.broker_share.per_minute`) };
          })();
    return { name, share, maxInstances: a.max_instances.trim(), staticEgress: a.static_egress?.trim() };
  });
}

/** `variable "x" { default = … }` blocks of variables.tf, values as written. */
export function readVariableDefaults(variablesTf: string): Record<string, string | undefined> {
  return Object.fromEntries(
    parseHcl(variablesTf)
      .blocks.filter((b) => b.type === 'variable')
      .map((b) => [b.labels[0]!, b.body.attributes.default]),
  );
}

/** The validation of a whole-number variable written as `var.x >= A && var.x <= B`, as [A, B]. */
export function readIntegerRange(variablesTf: string, name: string): [number, number] | undefined {
  const block = parseHcl(variablesTf).blocks.find((b) => b.type === 'variable' && b.labels[0] === name);
  const condition = block?.body.blocks.find((b) => b.type === 'validation')?.body.attributes.condition ?? '';
  const min = new RegExp(`var\\.${name}\\s*>=\\s*(\\d+)`).exec(condition);
  const max = new RegExp(`var\\.${name}\\s*<=\\s*(\\d+)`).exec(condition);
  return min && max ? [Number(min[1]), Number(max[1])] : undefined;
}

/** Top-level assignments of a .tfvars file (commented-out lines are not assignments). */
export function readTfvars(text: string): HclBody['attributes'] {
  return parseHcl(text).attributes;
}

/** `{ per_second = 8, per_minute = 180 }` → rates. */
export function readRates(expr: string | undefined, what: string): { perSecond: number; perMinute: number } {
  if (expr === undefined) throw new Error(`${what}: not set`);
  const a = parseObject(expr).attributes;
  return { perSecond: number(a.per_second, `${what}.per_second`), perMinute: number(a.per_minute, `${what}.per_minute`) };
}
