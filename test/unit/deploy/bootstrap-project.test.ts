import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const SCRIPT = path.join(ROOT, 'scripts/bootstrap-project.sh');
const FAKE_GCLOUD_DIR = path.join(ROOT, 'test/fakes/gcloud');

let state: string;

beforeEach(() => {
  state = fs.mkdtempSync(path.join(os.tmpdir(), 'bootstrap-'));
  // A previous project that gcloud pointed at: the trap the script exists for.
  fs.writeFileSync(path.join(state, 'project'), 'some-other-project\n');
});
afterEach(() => fs.rmSync(state, { recursive: true, force: true }));

function run(project = 'my-trading-project') {
  const r = spawnSync('bash', [SCRIPT, project], {
    encoding: 'utf8',
    env: {
      PATH: `${FAKE_GCLOUD_DIR}:${process.env.PATH ?? ''}`,
      HOME: state,
      CLOUDSDK_CONFIG: state,
      FAKE_GCLOUD_STATE: state,
      BOOTSTRAP_NO_LOGIN: '',
    },
  });
  const calls = fs.existsSync(path.join(state, 'calls')) ? fs.readFileSync(path.join(state, 'calls'), 'utf8').trim().split('\n') : [];
  fs.rmSync(path.join(state, 'calls'), { force: true });
  return { status: r.status, out: r.stdout + r.stderr, calls };
}

const indexOf = (calls: string[], prefix: string) => calls.findIndex((c) => c.startsWith(prefix));

describe('scripts/bootstrap-project.sh', () => {
  it.each(['--help', '-h'])('%s prints the usage and calls gcloud for nothing', (flag) => {
    const r = run(flag);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^usage: .*bootstrap-project\.sh PROJECT_ID/);
    expect(r.calls).toEqual([]);
  });

  it('sets the project before creating credentials, bills them to it, then enables the two APIs', () => {
    const r = run();
    expect(r.status).toBe(0);
    const setProject = indexOf(r.calls, 'config set project my-trading-project');
    const login = indexOf(r.calls, 'auth application-default login');
    const enable = indexOf(r.calls, 'services enable');
    expect(setProject).toBeGreaterThanOrEqual(0);
    expect(login).toBeGreaterThan(setProject);
    expect(enable).toBeGreaterThan(login);
    expect(r.calls[enable]).toBe('services enable serviceusage.googleapis.com cloudresourcemanager.googleapis.com --project my-trading-project');
    const adc = JSON.parse(fs.readFileSync(path.join(state, 'application_default_credentials.json'), 'utf8')) as { quota_project_id: string };
    expect(adc.quota_project_id).toBe('my-trading-project');
  });

  it('checks billing and roles before changing anything', () => {
    const r = run();
    const firstChange = indexOf(r.calls, 'config set project');
    expect(indexOf(r.calls, 'billing projects describe my-trading-project')).toBeLessThan(firstChange);
    expect(indexOf(r.calls, 'projects get-iam-policy my-trading-project')).toBeLessThan(firstChange);
  });

  it('changes nothing on a second run', () => {
    expect(run().status).toBe(0);
    const again = run();
    expect(again.status).toBe(0);
    expect(again.calls.filter((c) => /^(config set|auth application-default (login|set-quota-project)|services enable|auth login)/.test(c))).toEqual([]);
  });

  it('re-points credentials made earlier for another project', () => {
    fs.writeFileSync(path.join(state, 'application_default_credentials.json'), '{\n  "quota_project_id": "some-other-project"\n}\n');
    const r = run();
    expect(r.status).toBe(0);
    expect(r.calls).toContain('auth application-default set-quota-project my-trading-project');
    expect(indexOf(r.calls, 'auth application-default login')).toBe(-1);
  });

  it('stops, naming billing, when billing is off', () => {
    fs.writeFileSync(path.join(state, 'billing'), 'False\n');
    const r = run();
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/billing is not enabled on my-trading-project/);
    expect(indexOf(r.calls, 'config set project')).toBe(-1);
  });

  it('warns, naming the roles, when the caller is not Owner', () => {
    fs.writeFileSync(path.join(state, 'roles'), 'roles/editor\n');
    const r = run();
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/WARNING: me@example.com is not Owner.*roles\/resourcemanager\.projectIamAdmin/);
  });

  it('refuses something that is not a project id', () => {
    const r = run('My Project');
    expect(r.status).toBe(1);
    expect(r.calls).toEqual([]);
  });
});

describe('the deploy guide and the bootstrap script agree', () => {
  const guide = fs.readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8');
  const script = fs.readFileSync(SCRIPT, 'utf8');

  it('the guide runs the script, and spells out the same steps in the same order before terraform init', () => {
    const steps = [
      'scripts/bootstrap-project.sh',
      'gcloud config set project',
      'gcloud auth application-default login',
      'gcloud auth application-default set-quota-project',
      'gcloud services enable serviceusage.googleapis.com cloudresourcemanager.googleapis.com',
      'terraform -chdir=terraform init',
    ];
    const at = steps.map((s) => guide.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('the script performs each of those gcloud steps', () => {
    for (const s of ['gcloud config set project', 'gcloud auth application-default login', 'gcloud auth application-default set-quota-project', 'gcloud services enable']) {
      expect(script).toContain(s);
    }
  });
});
