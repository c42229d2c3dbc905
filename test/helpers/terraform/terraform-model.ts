import { parseHcl, parseObject, unquote, type HclBlock, type HclBody } from './hcl-lite';

/** One entry of `local.functions` in terraform/functions.tf, values as written in the source. */
export interface TfFunction {
  name: string;
  entryPoint?: string;
  trigger?: string;
  ingress?: string;
  staticEgress?: string;
}

/** One additive IAM grant (`*_iam_member` resource). */
export interface TfGrant {
  /** `resource_type.resource_name`, for messages. */
  address: string;
  type: string;
  role?: string;
  member?: string;
  /** Source text of the attribute naming what is granted on (secret_id, topic, bucket, name…). */
  target?: string;
  conditionTitle?: string;
  count?: string;
  forEach?: string;
}

export interface TerraformModel {
  functions: TfFunction[];
  grants: TfGrant[];
  /** Addresses of authoritative IAM resources (`*_iam_binding`, `*_iam_policy`), which may remove grants made elsewhere. */
  authoritativeIam: string[];
  /** The `module "function"` call, when present. */
  functionModule?: HclBody;
  /** `resource "google_service_account" "fn"`, when present. */
  functionServiceAccounts?: HclBody;
}

export interface SourceFile {
  path: string;
  text: string;
}

/** The attribute that names the granted-on resource, per IAM resource type. */
const TARGET_ATTRIBUTE: Record<string, string> = {
  google_project_iam_member: 'project',
  google_secret_manager_secret_iam_member: 'secret_id',
  google_pubsub_topic_iam_member: 'topic',
  google_pubsub_subscription_iam_member: 'subscription',
  google_storage_bucket_iam_member: 'bucket',
  google_cloud_run_v2_service_iam_member: 'name',
  google_artifact_registry_repository_iam_member: 'repository',
  google_service_account_iam_member: 'service_account_id',
};

function resources(blocks: HclBlock[]): HclBlock[] {
  return blocks.filter((b) => b.type === 'resource' && b.labels.length === 2);
}

/** Reads every function, grant and IAM resource from a set of .tf files. Throws on unparsable HCL. */
export function readTerraformModel(files: SourceFile[]): TerraformModel {
  const blocks = files.flatMap((f) => {
    try {
      return parseHcl(f.text).blocks;
    } catch (e) {
      throw new Error(`${f.path}: ${(e as Error).message}`);
    }
  });

  const functions: TfFunction[] = [];
  for (const locals of blocks.filter((b) => b.type === 'locals')) {
    const expr = locals.body.attributes.functions;
    if (expr === undefined) continue;
    for (const [name, value] of Object.entries(parseObject(expr).attributes)) {
      const a = parseObject(value).attributes;
      functions.push({ name, entryPoint: unquote(a.entry_point), trigger: unquote(a.trigger), ingress: unquote(a.ingress), staticEgress: a.static_egress });
    }
  }

  const grants: TfGrant[] = [];
  const authoritativeIam: string[] = [];
  for (const r of resources(blocks)) {
    const [type, name] = r.labels as [string, string];
    const address = `${type}.${name}`;
    if (/_iam_(binding|policy)$/.test(type)) authoritativeIam.push(address);
    if (!/_iam_member$/.test(type)) continue;
    const a = r.body.attributes;
    const condition = r.body.blocks.find((b) => b.type === 'condition');
    const targetAttribute = TARGET_ATTRIBUTE[type];
    grants.push({
      address,
      type,
      role: unquote(a.role),
      member: a.member,
      target: targetAttribute ? a[targetAttribute] : undefined,
      conditionTitle: condition ? unquote(condition.body.attributes.title) ?? '(untitled condition)' : undefined,
      count: a.count,
      forEach: a.for_each,
    });
  }

  const functionModule = blocks.find((b) => b.type === 'module' && b.labels[0] === 'function')?.body;
  const functionServiceAccounts = resources(blocks).find((b) => b.labels[0] === 'google_service_account' && b.labels[1] === 'fn')?.body;
  return { functions, grants, authoritativeIam, functionModule, functionServiceAccounts };
}
