import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** `npm start` compiles only when something that feeds the build is newer than the last build. */
const SCRIPT = path.resolve(__dirname, '../../../scripts/build-if-stale.mjs');
const stale = (root: string) => {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import { isStale } from ${JSON.stringify(SCRIPT)}; process.stdout.write(String(isStale(${JSON.stringify(root)})));`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout === 'true';
};

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'stale-'));
  for (const d of ['functions', 'shared', 'dist/functions']) mkdirSync(path.join(root, d), { recursive: true });
  writeFileSync(path.join(root, 'functions/a.ts'), 'x');
  writeFileSync(path.join(root, 'dist/functions/local-server.js'), 'x');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const age = (file: string, secondsAgo: number) => {
  const t = Date.now() / 1000 - secondsAgo;
  utimesSync(path.join(root, file), t, t);
};

describe('scripts/build-if-stale.mjs', () => {
  it('builds when there is no stamp, skips when nothing changed since, rebuilds after a source change', () => {
    expect(stale(root)).toBe(true);
    for (const p of ['functions/a.ts', 'functions', 'shared', 'dist/functions/local-server.js']) age(p, 60);
    writeFileSync(path.join(root, 'dist/.build-stamp'), 'now');
    expect(stale(root)).toBe(false);
    writeFileSync(path.join(root, 'shared/b.ts'), 'new');
    expect(stale(root)).toBe(true);
  });

  it('builds when the output is gone even if the stamp is there', () => {
    for (const p of ['functions/a.ts', 'functions', 'shared']) age(p, 60);
    writeFileSync(path.join(root, 'dist/.build-stamp'), 'now');
    rmSync(path.join(root, 'dist/functions/local-server.js'));
    expect(stale(root)).toBe(true);
  });
});
