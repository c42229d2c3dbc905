import fs from 'node:fs';
import path from 'node:path';
import { FUNCTION_NAMES } from '../../functions/function-names';
import { checkConsistency, type ConsistencyPolicy, type GrantAllowList } from '../helpers/terraform/check-consistency';
import { readRegistrations } from '../helpers/terraform/code-model';
import { parseHcl, removeObjectEntry } from '../helpers/terraform/hcl-lite';
import { unresolvedReferences } from '../helpers/terraform/references';
import { readTerraformModel, type SourceFile } from '../helpers/terraform/terraform-model';

const ROOT = path.resolve(__dirname, '../..');
const TF_DIR = path.join(ROOT, 'terraform');

/**
 * Every grant the deployment may make. Adding a permission means adding it here, in review, next to
 * the reason it is needed. Format: see GrantAllowList.
 */
const ALLOW_LIST: GrantAllowList = {
  'fn:webhook': [
    'roles/secretmanager.secretAccessor on secret:webhook-secret',
    'roles/datastore.user on project when this-database-only',
    'roles/storage.objectViewer on bucket:symbols',
    // An instance that starts before any index exists builds and publishes the first one (create only).
    'roles/storage.objectCreator on bucket:symbols',
    'roles/pubsub.publisher on topic:notifications',
    // An early fill postback is followed up (its events published) in the background of the webhook instance.
    'roles/pubsub.publisher on topic:order_events',
  ],
  'fn:readyz': [
    'roles/datastore.viewer on project when this-database-only',
    'roles/storage.objectViewer on bucket:symbols',
    'roles/secretmanager.secretAccessor on secret:webhook-secret',
  ],
  'fn:authUrl': ['roles/datastore.user on project when this-database-only', 'roles/secretmanager.secretAccessor on secret:controls-key'],
  'fn:authCallback': [
    'roles/datastore.user on project when this-database-only',
    'roles/secretmanager.secretAccessor on secret:fyers-app-secret',
    'roles/pubsub.publisher on topic:notifications',
  ],
  'fn:refreshToken': [
    'roles/datastore.user on project when this-database-only',
    'roles/secretmanager.secretAccessor on secret:fyers-app-secret',
    'roles/secretmanager.secretAccessor on secret:fyers-pin',
    'roles/pubsub.publisher on topic:notifications',
  ],
  'fn:refreshSymbolMaster': ['roles/storage.objectUser on bucket:symbols', 'roles/pubsub.publisher on topic:notifications'],
  'fn:controls': [
    'roles/datastore.user on project when this-database-only',
    'roles/secretmanager.secretAccessor on secret:controls-key',
    'roles/pubsub.publisher on topic:notifications',
  ],
  'fn:notify': ['roles/secretmanager.secretAccessor on secret:notify-webhook-url if var.notify_webhook_enabled ? 1 : 0'],
  'fn:console': [
    'roles/secretmanager.secretAccessor on secret:controls-key',
    'roles/datastore.user on project when this-database-only',
    'roles/pubsub.publisher on topic:notifications',
    'roles/storage.objectViewer on bucket:symbols',
  ],
  'fn:orderUpdates': [
    'roles/secretmanager.secretAccessor on secret:fyers-postback-secret',
    'roles/secretmanager.secretAccessor on secret:fyers-postback-token',
    'roles/datastore.user on project when this-database-only',
    'roles/pubsub.publisher on topic:order_events',
    'roles/pubsub.publisher on topic:notifications',
    'roles/storage.objectViewer on bucket:symbols',
  ],
  'fn:reconcileOrders': [
    'roles/datastore.user on project when this-database-only',
    'roles/pubsub.publisher on topic:order_events',
    'roles/pubsub.publisher on topic:notifications',
    'roles/storage.objectViewer on bucket:symbols',
  ],
  // Delivery only lists the registered subscribers.
  'fn:orderEventWebhooks': ['roles/datastore.viewer on project when this-database-only'],
  'fn:squareOff': [
    'roles/datastore.user on project when this-database-only',
    'roles/pubsub.publisher on topic:notifications',
    // The paper broker prices from the symbol index (a first cloud run with broker = paper).
    'roles/storage.objectViewer on bucket:symbols',
  ],
  'sa:scheduler': [
    'roles/run.invoker on function:refreshToken',
    'roles/run.invoker on function:refreshSymbolMaster',
    'roles/run.invoker on function:reconcileOrders',
    'roles/run.invoker on function:squareOff',
  ],
  'sa:notify_push': ['roles/run.invoker on function:notify'],
  'sa:order_events_push': ['roles/run.invoker on function:orderEventWebhooks'],
  'sa:build': [
    'roles/logging.logWriter on project',
    'roles/storage.objectViewer on project',
    'roles/storage.objectViewer on bucket:source',
    'roles/artifactregistry.writer on repository:functions',
  ],
  allUsers: [
    'roles/run.invoker on function:webhook',
    'roles/run.invoker on function:authCallback',
    'roles/run.invoker on function:authUrl if var.public_login || var.public_operator_functions ? 1 : 0',
    'roles/run.invoker on function:console if var.public_login || var.public_operator_functions ? 1 : 0',
    'roles/run.invoker on function:orderUpdates',
    'roles/run.invoker on function:controls if var.public_operator_functions ? 1 : 0',
  ],
  operator: ['roles/run.invoker on function:readyz', 'roles/run.invoker on function:authUrl', 'roles/run.invoker on function:console', 'roles/run.invoker on function:controls'],
  'agent:pubsub': [
    'roles/pubsub.publisher on topic:notifications_dead_letter',
    'roles/pubsub.publisher on topic:order_events_dead_letter',
    'roles/pubsub.subscriber on subscription:notify_push',
    'roles/iam.serviceAccountTokenCreator on serviceAccount:notify_push',
    'roles/pubsub.subscriber on subscription:order_events_push',
    'roles/iam.serviceAccountTokenCreator on serviceAccount:order_events_push',
  ],
};

const POLICY: ConsistencyPolicy = { allowList: ALLOW_LIST, staticEgressRequired: ['webhook', 'authCallback', 'refreshToken', 'orderUpdates', 'reconcileOrders', 'squareOff'] };

/**
 * Functions named in FUNCTION_NAMES whose handlers are not registered in functions/index.ts yet.
 * Transitional: delete each name as its registration lands. The test fails if a name here is in fact
 * registered, so this list cannot go stale and hide a real gap.
 */
const NOT_YET_REGISTERED: string[] = [];

/**
 * Functions registered in code whose Terraform (function, identity, grants, scheduler job) is the deploy
 * issue's to add. Transitional like the list above: the test fails once Terraform deploys a name here.
 */
const NOT_YET_IN_TERRAFORM: string[] = [];
const DEPLOYED_NAMES = FUNCTION_NAMES.filter((n) => !NOT_YET_IN_TERRAFORM.includes(n));

function readTerraformFiles(dir: string): SourceFile[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '.terraform' || e.name === 'build' ? [] : readTerraformFiles(p);
    return e.name.endsWith('.tf') ? [{ path: path.relative(ROOT, p), text: fs.readFileSync(p, 'utf8') }] : [];
  });
}

const repo = {
  tfFiles: readTerraformFiles(TF_DIR),
  indexTs: fs.readFileSync(path.join(ROOT, 'functions/index.ts'), 'utf8'),
};

/** Runs the checker on (possibly edited) copies of the repository sources. */
function check(input: { tfFiles?: SourceFile[]; indexTs?: string; names?: readonly string[] } = {}): string[] {
  return checkConsistency({
    functionNames: input.names ?? DEPLOYED_NAMES,
    registrations: readRegistrations(input.indexTs ?? repo.indexTs),
    terraform: readTerraformModel(input.tfFiles ?? repo.tfFiles),
    policy: POLICY,
  });
}

const pendingProblem = (name: string) => `${name}: in FUNCTION_NAMES but not registered in functions/index.ts`;
const notInTerraformProblem = (name: string) => `${name}: registered in functions/index.ts but not in FUNCTION_NAMES`;
const withoutPending = (problems: string[]) =>
  problems.filter((p) => !NOT_YET_REGISTERED.some((n) => p === pendingProblem(n)) && !NOT_YET_IN_TERRAFORM.some((n) => p === notInTerraformProblem(n)));

/** Replaces text in one .tf file of a copy; throws if the text is absent so a test cannot pass vacuously. */
function editTf(file: string, edit: (text: string) => string): SourceFile[] {
  let changed = false;
  const files = repo.tfFiles.map((f) => {
    if (f.path !== path.join('terraform', file)) return f;
    const text = edit(f.text);
    changed = text !== f.text;
    return { ...f, text };
  });
  if (!changed) throw new Error(`edit of ${file} changed nothing`);
  return files;
}

const replaceOnce = (from: string | RegExp, to: string) => (text: string) => {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`pattern not found: ${from}`);
  return next;
};

describe('Terraform and code agree', () => {
  it('finds every function, entry point and grant in the repository consistent', () => {
    expect(withoutPending(check())).toEqual([]);
  });

  it('reads every function and a grant for each function identity from the .tf files', () => {
    const model = readTerraformModel(repo.tfFiles);
    expect(model.functions.map((f) => f.name).sort()).toEqual([...DEPLOYED_NAMES].sort());
    expect(model.functions.find((f) => f.name === 'notify')?.trigger).toBe('pubsub');
    expect(model.functions.find((f) => f.name === 'orderEventWebhooks')?.trigger).toBe('pubsub');
    const grantees = new Set(model.grants.map((g) => g.member));
    for (const name of DEPLOYED_NAMES) expect(grantees).toContain(`google_service_account.fn["${name}"].member`);
    for (const name of NOT_YET_IN_TERRAFORM) expect(model.functions.map((f) => f.name)).not.toContain(name);
  });

  it('keeps the list of not-yet-registered functions honest', () => {
    const registered = readRegistrations(repo.indexTs).map((r) => r.name);
    for (const name of NOT_YET_REGISTERED) expect(registered).not.toContain(name);
    for (const name of NOT_YET_REGISTERED) expect(check()).toContain(pendingProblem(name));
  });
});

describe('the checker fails when', () => {
  it('a function is removed from Terraform', () => {
    const files = editTf('functions.tf', (t) => removeObjectEntry(t, 'functions', 'refreshToken'));
    expect(check({ tfFiles: files })).toContain('refreshToken: in FUNCTION_NAMES but not in Terraform local.functions');
  });

  it('a function exists in code but not in Terraform', () => {
    expect(check({ names: [...FUNCTION_NAMES, 'placeBasket'] })).toContain('placeBasket: in FUNCTION_NAMES but not in Terraform local.functions');
  });

  it('Terraform deploys a function the code does not have', () => {
    expect(check({ names: FUNCTION_NAMES.filter((n) => n !== 'controls') })).toContain('controls: in Terraform local.functions but not in FUNCTION_NAMES');
  });

  it('an entry point differs from the code name', () => {
    const files = editTf('functions.tf', replaceOnce('entry_point   = "refreshToken"', 'entry_point   = "tokenRefresh"'));
    expect(check({ tfFiles: files })).toContain('refreshToken: Terraform entry_point is "tokenRefresh", expected "refreshToken"');
  });

  it('index.ts registers a function Terraform does not deploy', () => {
    const indexTs = `${repo.indexTs}\nfunctions.http('placeBasket', webhook);\n`;
    expect(check({ indexTs })).toContain('placeBasket: registered in functions/index.ts but not in FUNCTION_NAMES');
  });

  it('the registration kind does not match the Terraform trigger', () => {
    const indexTs = `${repo.indexTs}\nfunctions.http('notify', webhook);\n`;
    expect(check({ indexTs })).toContain('notify: registered as http in functions/index.ts but Terraform trigger is "pubsub"');
  });

  it('a service account gets a role outside the allow-list', () => {
    const files = editTf('iam.tf', (t) => `${t}
resource "google_project_iam_member" "webhook_is_owner" {
  project = var.project_id
  role    = "roles/owner"
  member  = google_service_account.fn["webhook"].member
}
`);
    expect(check({ tfFiles: files })).toContain('google_project_iam_member.webhook_is_owner: fn:webhook may not have "roles/owner on project"');
  });

  it('an allowed role is granted on a wider scope (another secret)', () => {
    const files = editTf('iam.tf', replaceOnce('google_secret_manager_secret.this["webhook-secret"].secret_id\n  role      = "roles/secretmanager.secretAccessor"\n  member    = google_service_account.fn["webhook"].member', 'google_secret_manager_secret.this["fyers-app-secret"].secret_id\n  role      = "roles/secretmanager.secretAccessor"\n  member    = google_service_account.fn["webhook"].member'));
    expect(check({ tfFiles: files })).toContain(
      'google_secret_manager_secret_iam_member.webhook_reads_webhook_secret: fn:webhook may not have "roles/secretmanager.secretAccessor on secret:fyers-app-secret"',
    );
  });

  it('the Firestore grant loses its database condition', () => {
    const files = editTf('iam.tf', (t) => {
      const start = t.indexOf('resource "google_project_iam_member" "webhook_uses_firestore"');
      const cond = t.indexOf('  condition {', start);
      const end = t.indexOf('  }\n', cond) + 4;
      return t.slice(0, cond) + t.slice(end);
    });
    expect(check({ tfFiles: files })).toContain('google_project_iam_member.webhook_uses_firestore: fn:webhook may not have "roles/datastore.user on project"');
  });

  it('a private function is opened to everyone', () => {
    const files = editTf('iam.tf', (t) => `${t}
resource "google_cloud_run_v2_service_iam_member" "public_invokes_readyz" {
  project  = var.project_id
  location = var.region
  name     = module.function["readyz"].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
`);
    expect(check({ tfFiles: files })).toContain('google_cloud_run_v2_service_iam_member.public_invokes_readyz: allUsers may not have "roles/run.invoker on function:readyz"');
  });

  it('an operator-only function is made public without the opt-in variable', () => {
    const files = editTf('iam.tf', replaceOnce(/(resource "google_cloud_run_v2_service_iam_member" "public_invokes_controls" \{\n)  count = var\.public_operator_functions \? 1 : 0\n/, '$1'));
    expect(check({ tfFiles: files })).toContain('google_cloud_run_v2_service_iam_member.public_invokes_controls: allUsers may not have "roles/run.invoker on function:controls"');
  });

  it('an unknown principal is granted anything', () => {
    const files = editTf('iam.tf', (t) => `${t}
resource "google_storage_bucket_iam_member" "friend_reads_symbols" {
  bucket = google_storage_bucket.symbols.name
  role   = "roles/storage.objectViewer"
  member = "user:friend@example.com"
}
`);
    expect(check({ tfFiles: files })).toContain(
      'google_storage_bucket_iam_member.friend_reads_symbols: principal unknown:"user:friend@example.com" is not in the allow-list (grant: roles/storage.objectViewer on bucket:symbols)',
    );
  });

  it('an authoritative IAM resource appears', () => {
    const files = editTf('iam.tf', (t) => `${t}
resource "google_pubsub_topic_iam_binding" "publishers" {
  topic   = google_pubsub_topic.notifications.name
  role    = "roles/pubsub.publisher"
  members = [google_service_account.fn["webhook"].member]
}
`);
    expect(check({ tfFiles: files })).toContain('google_pubsub_topic_iam_binding.publishers: authoritative IAM resources may silently remove other grants; use *_iam_member');
  });

  it('the webhook would bypass the static egress IP', () => {
    const files = editTf('functions.tf', replaceOnce(/(webhook = \{[\s\S]*?static_egress = )true/, '$1false'));
    expect(check({ tfFiles: files })).toContain('webhook: must have static_egress = true (Fyers accepts orders only from the whitelisted IP)');
  });

  it('functions stop running as their own service accounts', () => {
    const files = editTf('functions.tf', replaceOnce('service_account_email = google_service_account.fn[each.key].email', 'service_account_email = google_service_account.scheduler.email'));
    expect(check({ tfFiles: files })).toContain('module "function" must run each function as its own service account google_service_account.fn[each.key]');
  });
});

describe('references (offline stand-in for terraform validate)', () => {
  const inRoot = (files: SourceFile[]) => files.filter((f) => path.dirname(f.path) === 'terraform');
  const inFunctionModule = repo.tfFiles.filter((f) => path.dirname(f.path) === path.join('terraform', 'modules', 'function'));

  it('resolve to declared variables, locals, resources, data sources and modules', () => {
    expect(inFunctionModule.length).toBeGreaterThan(0);
    expect(unresolvedReferences(inRoot(repo.tfFiles))).toEqual([]);
    expect(unresolvedReferences(inFunctionModule)).toEqual([]);
  });

  it('report a misspelt reference', () => {
    const files = editTf('pubsub.tf', replaceOnce('google_pubsub_topic.notifications_dead_letter.id\n  message_retention_duration', 'google_pubsub_topic.notification_dead_letter.id\n  message_retention_duration'));
    expect(unresolvedReferences(inRoot(files))).toEqual(['google_pubsub_topic.notification_dead_letter']);
  });
});

describe('hcl-lite', () => {
  it('skips comments and braces inside strings and interpolations', () => {
    const body = parseHcl(`
      # a comment with { brace
      resource "t" "n" {
        a = "x}{ \${foo["k"]} y" // trailing { comment
        b = { k = "v", m = { n = 1 } }
        /* block { comment */
        nested {
          c = <<-EOT
            heredoc } with brace
          EOT
        }
      }
    `);
    const r = body.blocks[0]!;
    expect(r.labels).toEqual(['t', 'n']);
    expect(r.body.attributes.a).toBe('"x}{ ${foo["k"]} y"');
    expect(r.body.attributes.b).toBe('{ k = "v", m = { n = 1 } }');
    expect(r.body.blocks[0]!.type).toBe('nested');
    expect(r.body.blocks[0]!.body.attributes.c).toContain('heredoc } with brace');
  });

  it('rejects unbalanced input instead of guessing', () => {
    expect(() => parseHcl('resource "t" "n" {\n a = 1\n')).toThrow(/missing/);
  });
});
