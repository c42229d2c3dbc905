import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Issue 22, cold start: the compile cache the functions start from. `npm run build` fills
 * dist/.compile-cache; a deployment ships the builder instead of the cache (the cache is not
 * byte-identical from build to build, and an unchanged build must deploy nothing), and the buildpack
 * runs it as gcp-build, on the Node the functions run on.
 */
const ROOT = path.resolve(__dirname, '../../..');
const read = (p: string) => fs.readFileSync(p, 'utf8');

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'compile-cache-'));
  fs.mkdirSync(path.join(root, 'scripts'));
  fs.mkdirSync(path.join(root, 'dist/functions'), { recursive: true });
  fs.mkdirSync(path.join(root, 'dist/shared'), { recursive: true });
  for (const s of ['build-compile-cache.mjs', 'stage-function-source.sh']) fs.copyFileSync(path.join(ROOT, 'scripts', s), path.join(root, 'scripts', s));
  // A built tree in miniature: the entry point enables the cache as functions/compile-cache.ts does.
  fs.writeFileSync(
    path.join(root, 'dist/functions/compile-cache.js'),
    "const { existsSync } = require('node:fs'); const path = require('node:path'); const dir = path.join(__dirname, '..', '.compile-cache'); if (existsSync(dir)) require('node:module').enableCompileCache({ directory: dir, portable: true });\n",
  );
  fs.writeFileSync(path.join(root, 'dist/functions/index.js'), "require('./compile-cache'); exports.answer = () => require('../shared/work').work(20);\n");
  fs.writeFileSync(path.join(root, 'dist/functions/main.cjs'), "require('./index');\n");
  fs.writeFileSync(path.join(root, 'dist/shared/work.js'), 'exports.work = (n) => { let s = 0; for (let i = 0; i < n; i++) s += i; return s; };\n');
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'x', scripts: { build: 'tsc', 'gcp-build': 'npm run build' }, dependencies: {} }));
  fs.writeFileSync(path.join(root, 'package-lock.json'), '{}');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const build = (dir: string) => spawnSync(process.execPath, [path.join(dir, 'scripts/build-compile-cache.mjs')], { cwd: dir, encoding: 'utf8' });
const cacheFiles = (dir: string) => {
  const cache = path.join(dir, 'dist/.compile-cache');
  return fs.existsSync(cache) ? fs.readdirSync(cache, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()) : [];
};

it('fills dist/.compile-cache with code for every module of the build, and a start reads it', () => {
  const r = build(root);
  expect(r.status).toBe(0);
  expect(r.stderr).toMatch(/3 modules cached in dist\/.compile-cache/);
  expect(cacheFiles(root).length).toBeGreaterThanOrEqual(2);
  const start = spawnSync(process.execPath, ['-e', "require('./dist/functions/index.js').answer()"], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_DEBUG_NATIVE: 'COMPILE_CACHE' } });
  expect(start.status).toBe(0);
  expect(start.stderr).toMatch(/V8 code cache for CommonJS .*dist\/shared\/work\.js was accepted/);
});

it('never fails a build: without a built dist/ it says so and leaves no cache', () => {
  fs.rmSync(path.join(root, 'dist'), { recursive: true });
  const r = build(root);
  expect(r.status).toBe(0);
  expect(r.stderr).toMatch(/dist\/ is not built/);
  expect(cacheFiles(root)).toEqual([]);
});

it('staging ships the builder as gcp-build and leaves the cache (and the build stamp) out of the zip', () => {
  expect(build(root).status).toBe(0);
  fs.writeFileSync(path.join(root, 'dist/.build-stamp'), new Date().toISOString());
  const staged = spawnSync('bash', [path.join(root, 'scripts/stage-function-source.sh')], { cwd: root, encoding: 'utf8' });
  expect(staged.status).toBe(0);
  const out = path.join(root, 'terraform/build/function-source');
  expect(JSON.parse(read(path.join(out, 'package.json'))).scripts['gcp-build']).toBe('node scripts/build-compile-cache.mjs');
  expect(read(path.join(out, 'scripts/build-compile-cache.mjs'))).toBe(read(path.join(ROOT, 'scripts/build-compile-cache.mjs')));
  expect(fs.existsSync(path.join(out, 'dist/.compile-cache'))).toBe(false);
  expect(fs.existsSync(path.join(out, 'dist/.build-stamp'))).toBe(false);
  // What the buildpack then runs, in the staged folder: the cache appears beside the staged dist/.
  const gcpBuild = build(out);
  expect(gcpBuild.status).toBe(0);
  expect(cacheFiles(out).length).toBeGreaterThanOrEqual(2);
});
