import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { EnvSchema } from '../../../shared/config/config.schema';

/**
 * Every setting is reachable in the cloud, or says it is not: each key of the config schema has a row
 * in docs/configuration.md whose last column is either "local only", "set by Cloud Run", a Secret
 * Manager secret Terraform creates, or a key Terraform puts in the functions' environment (with every
 * Terraform variable it names declared). A new key that is none of these fails here, so the README's
 * "Terraform sets them" can never again be false for a key.
 */
const ROOT = path.resolve(__dirname, '../../..');
const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');
const tfFiles = readdirSync(path.join(ROOT, 'terraform')).filter((f) => f.endsWith('.tf'));
const terraform = tfFiles.map((f) => read(`terraform/${f}`)).join('\n');

/** Keys Terraform writes into a function's environment: `KEY = …` anywhere in the configuration. */
const terraformEnv = new Set([...terraform.matchAll(/(?:^|\{)\s*([A-Z][A-Z0-9_]+)\s*=/gm)].map((m) => m[1]!));
const terraformVariables = new Set([...terraform.matchAll(/^variable "([a-z0-9_]+)"/gm)].map((m) => m[1]!));
const terraformSecrets = new Set([...read('terraform/secrets.tf').matchAll(/"([a-z0-9-]+)"/g)].map((m) => m[1]!));

interface Row {
  keys: string[];
  cloud: string;
}

function configurationRows(doc: string): Row[] {
  return doc
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => {
      const cells = l.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim());
      return { keys: [...cells[0]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!), cloud: cells[cells.length - 1]! };
    });
}

/** The Terraform variables a cell names: `terraform \`a\`, \`b\`` up to the next `;`. */
function namedVariables(cloud: string): string[] {
  return [...cloud.matchAll(/terraform ((?:`[a-z0-9_]+`(?:, )?)+)/g)].flatMap((m) => [...m[1]!.matchAll(/`([a-z0-9_]+)`/g)].map((n) => n[1]!));
}

/** Why `key` is reachable in the cloud, or undefined when it is not (and not marked local-only). */
export function coverage(key: string, row: Row | undefined, env: Set<string>, variables: Set<string>, secrets: Set<string>): string | undefined {
  if (!row) return undefined;
  if (/local only/i.test(row.cloud)) return 'local only';
  if (/set by Cloud Run/i.test(row.cloud)) return 'Cloud Run';
  if (namedVariables(row.cloud).some((v) => !variables.has(v))) return undefined;
  if (env.has(key)) return 'Terraform environment';
  const secret = /Secret Manager `([a-z0-9-]+)`/.exec(row.cloud)?.[1];
  if (secret && secrets.has(secret)) return `Secret Manager ${secret}`;
  return undefined;
}

describe('every setting reachable in the cloud', () => {
  const rows = configurationRows(read('docs/configuration.md'));
  const rowOf = (key: string) => rows.find((r) => r.keys.includes(key));
  const keys = Object.keys(EnvSchema.entries);

  it.each(keys)('%s is a Terraform setting, a secret, set by Cloud Run, or marked local only', (key) => {
    expect({ key, how: coverage(key, rowOf(key), terraformEnv, terraformVariables, terraformSecrets) }).toEqual({ key, how: expect.any(String) });
  });

  it('the loss limit, square-off time, protection and loss-limit flatten are Terraform variables', () => {
    for (const key of ['DAILY_LOSS_LIMIT', 'SQUARE_OFF_AT', 'PROTECTION', 'LOSS_LIMIT_FLATTEN']) {
      expect({ key, in: coverage(key, rowOf(key), terraformEnv, terraformVariables, terraformSecrets) }).toEqual({ key, in: 'Terraform environment' });
    }
  });

  it('every Terraform variable the doc names exists', () => {
    const named = rows.flatMap((r) => namedVariables(r.cloud));
    expect(named).toEqual(expect.arrayContaining(['daily_loss_limit', 'square_off_at', 'protection', 'loss_limit_flatten']));
    for (const v of named) expect({ variable: v, declared: terraformVariables.has(v) }).toEqual({ variable: v, declared: true });
  });

  it('a key in neither place fails the check', () => {
    const row = { keys: ['NEW_KEY'], cloud: 'whatever' };
    expect(coverage('NEW_KEY', row, terraformEnv, terraformVariables, terraformSecrets)).toBeUndefined();
    expect(coverage('NEW_KEY', undefined, terraformEnv, terraformVariables, terraformSecrets)).toBeUndefined();
    expect(coverage('DAILY_LOSS_LIMIT', { keys: ['DAILY_LOSS_LIMIT'], cloud: 'terraform `no_such_variable`' }, terraformEnv, terraformVariables, terraformSecrets)).toBeUndefined();
  });
});
