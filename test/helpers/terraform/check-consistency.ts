import type { Registration } from './code-model';
import type { TerraformModel, TfGrant } from './terraform-model';

/**
 * Allowed grants per principal, each written `<role> on <target>[ when <condition title>][ if <count>]`.
 * Principals: `fn:<functionName>` (a function's own service account), `sa:<resource name>` (other
 * service accounts), `allUsers`, `operator` (var.operator_members), `agent:pubsub`.
 * Targets: `project`, `secret:<id>`, `topic:<resource>`, `subscription:<resource>`, `bucket:<resource>`,
 * `function:<functionName>`, `repository:<resource>`, `serviceAccount:<resource>`.
 */
export type GrantAllowList = Record<string, readonly string[]>;

export interface ConsistencyPolicy {
  allowList: GrantAllowList;
  /** Functions that must send all egress through the NAT's static IP (they call Fyers order APIs). */
  staticEgressRequired: readonly string[];
}

export interface ConsistencyInput {
  /** FUNCTION_NAMES from functions/function-names.ts. */
  functionNames: readonly string[];
  registrations: Registration[];
  terraform: TerraformModel;
  policy: ConsistencyPolicy;
}

const TRIGGER_FOR_KIND: Record<Registration['kind'], string> = { http: 'http', cloudEvent: 'pubsub' };

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Who a grant's `member` expression names, or `unknown:<expr>`. */
export function principalOf(g: TfGrant): string {
  const m = squash(g.member ?? '');
  let x: RegExpExecArray | null;
  if ((x = /^google_service_account\.fn\["([^"]+)"\]\.member$/.exec(m))) return `fn:${x[1]}`;
  if ((x = /^google_service_account\.(\w+)\.member$/.exec(m))) return `sa:${x[1]}`;
  if (m === '"allUsers"') return 'allUsers';
  if (m === 'each.value' && squash(g.forEach ?? '') === 'toset(var.operator_members)') return 'operator';
  if (m === 'local.pubsub_agent_member') return 'agent:pubsub';
  return `unknown:${m}`;
}

/** What a grant is on, or `unknown:<expr>`. */
export function targetOf(g: TfGrant): string {
  const t = squash(g.target ?? '');
  const pick = (re: RegExp, kind: string) => {
    const x = re.exec(t);
    return x ? `${kind}:${x[1]}` : `unknown:${t}`;
  };
  switch (g.type) {
    case 'google_project_iam_member':
      return t === 'var.project_id' ? 'project' : `unknown:${t}`;
    case 'google_secret_manager_secret_iam_member':
      return pick(/^google_secret_manager_secret\.\w+\["([^"]+)"\]\.secret_id$/, 'secret');
    case 'google_pubsub_topic_iam_member':
      return pick(/^google_pubsub_topic\.(\w+)\.name$/, 'topic');
    case 'google_pubsub_subscription_iam_member':
      return pick(/^google_pubsub_subscription\.(\w+)\.name$/, 'subscription');
    case 'google_storage_bucket_iam_member':
      return pick(/^google_storage_bucket\.(\w+)\.name$/, 'bucket');
    case 'google_cloud_run_v2_service_iam_member':
      return pick(/^module\.function\["([^"]+)"\]\.name$/, 'function');
    case 'google_artifact_registry_repository_iam_member':
      return pick(/^google_artifact_registry_repository\.(\w+)\.name$/, 'repository');
    case 'google_service_account_iam_member':
      return pick(/^google_service_account\.(\w+)\.name$/, 'serviceAccount');
    default:
      return `unknown-type:${g.type}`;
  }
}

/** The allow-list form of a grant. */
export function describeGrant(g: TfGrant): string {
  let s = `${g.role ?? '(role not a literal)'} on ${targetOf(g)}`;
  if (g.conditionTitle) s += ` when ${g.conditionTitle}`;
  if (g.count) s += ` if ${squash(g.count)}`;
  return s;
}

/**
 * Every way code and Terraform disagree, or IAM exceeds the allow-list, as one message per problem.
 * An empty array means consistent.
 */
export function checkConsistency({ functionNames, registrations, terraform, policy }: ConsistencyInput): string[] {
  const problems: string[] = [];
  const code = new Set(functionNames);
  const tf = new Map(terraform.functions.map((f) => [f.name, f]));

  if (terraform.functions.length === 0) problems.push('Terraform: no `functions` map found in any locals block');
  for (const name of code) if (!tf.has(name)) problems.push(`${name}: in FUNCTION_NAMES but not in Terraform local.functions`);
  for (const f of terraform.functions) {
    if (!code.has(f.name)) problems.push(`${f.name}: in Terraform local.functions but not in FUNCTION_NAMES`);
    if (f.entryPoint !== f.name) problems.push(`${f.name}: Terraform entry_point is ${JSON.stringify(f.entryPoint)}, expected "${f.name}"`);
    if (f.trigger !== 'http' && f.trigger !== 'pubsub') problems.push(`${f.name}: trigger must be "http" or "pubsub", got ${JSON.stringify(f.trigger)}`);
  }

  const registered = new Map<string, Registration>();
  for (const r of registrations) {
    if (registered.has(r.name)) problems.push(`${r.name}: registered twice in functions/index.ts`);
    registered.set(r.name, r);
    if (!code.has(r.name)) problems.push(`${r.name}: registered in functions/index.ts but not in FUNCTION_NAMES`);
    const f = tf.get(r.name);
    if (f && f.trigger !== TRIGGER_FOR_KIND[r.kind]) {
      problems.push(`${r.name}: registered as ${r.kind} in functions/index.ts but Terraform trigger is ${JSON.stringify(f.trigger)}`);
    }
  }
  for (const name of code) if (!registered.has(name)) problems.push(`${name}: in FUNCTION_NAMES but not registered in functions/index.ts`);

  const mod = terraform.functionModule;
  if (!mod) problems.push('Terraform: module "function" is missing');
  else {
    if (squash(mod.attributes.for_each ?? '') !== 'local.functions') problems.push('module "function" must iterate local.functions');
    if (squash(mod.attributes.entry_point ?? '') !== 'each.value.entry_point') problems.push('module "function" must take entry_point from local.functions');
    if (squash(mod.attributes.service_account_email ?? '') !== 'google_service_account.fn[each.key].email') {
      problems.push('module "function" must run each function as its own service account google_service_account.fn[each.key]');
    }
  }
  if (squash(terraform.functionServiceAccounts?.attributes.for_each ?? '') !== 'local.functions') {
    problems.push('google_service_account.fn must create one service account per entry of local.functions');
  }

  for (const name of policy.staticEgressRequired) {
    const f = tf.get(name);
    if (f && f.staticEgress !== 'true') problems.push(`${name}: must have static_egress = true (Fyers accepts orders only from the whitelisted IP)`);
  }

  for (const address of terraform.authoritativeIam) {
    problems.push(`${address}: authoritative IAM resources may silently remove other grants; use *_iam_member`);
  }
  for (const g of terraform.grants) {
    const who = principalOf(g);
    const what = describeGrant(g);
    if (who.startsWith('fn:') && !tf.has(who.slice(3))) problems.push(`${g.address}: grants to ${who}, which is not a Terraform function`);
    const allowed = policy.allowList[who];
    if (!allowed) problems.push(`${g.address}: principal ${who} is not in the allow-list (grant: ${what})`);
    else if (!allowed.includes(what)) problems.push(`${g.address}: ${who} may not have "${what}"`);
  }
  return problems;
}
