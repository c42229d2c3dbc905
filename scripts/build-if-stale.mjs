// `npm start` runs this instead of a plain `npm run build`: tsc takes tens of seconds even when nothing
// changed, so it runs only when a source or build setting is newer than the last build (or dist/ is
// missing). The stamp is written after a successful build, so a failed build is retried next time.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const INPUTS = ['functions', 'shared', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

/** Newest modification time under `p` (files that feed the build: .ts sources, data files, settings). */
export function newestInput(p) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs; // a deleted file shows as a changed folder
  for (const e of readdirSync(p)) newest = Math.max(newest, newestInput(path.join(p, e)));
  return newest;
}

export function isStale(rootDir = root) {
  const mark = path.join(rootDir, 'dist', '.build-stamp');
  if (!existsSync(mark) || !existsSync(path.join(rootDir, 'dist', 'functions', 'local-server.js'))) return true;
  const built = statSync(mark).mtimeMs;
  return INPUTS.some((i) => newestInput(path.join(rootDir, i)) > built);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!isStale()) {
    process.stderr.write('build: dist/ is current, skipping tsc (any change under functions/ or shared/ rebuilds)\n');
    process.exit(0);
  }
  const started = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  // As `npm run build` does: the compile cache the functions start from (it never fails the build).
  spawnSync(process.execPath, [path.join(root, 'scripts', 'build-compile-cache.mjs')], { stdio: 'inherit' });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  process.stderr.write(`build: compiled in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
