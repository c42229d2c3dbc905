#!/usr/bin/env node
// Fills dist/.compile-cache with Node's compile cache (V8 code) for every module under dist/ and the
// runtime dependencies a function loads, so a new instance deserialises instead of compiling
// (functions/compile-cache.ts enables it at start). Run by `npm run build` after tsc (for `npm start`,
// the bench and the process tests), and for a deployment by the buildpack, as the staged package's
// gcp-build (scripts/stage-function-source.sh): there it runs on the Node the functions run on,
// beside the node_modules they load. The cache is portable (keyed relative to its folder).
//
// The modules are loaded in a child process with a harmless configuration (paper broker, local store
// in a temporary folder, no function target: nothing listens, nothing is called), then the cache is
// flushed and the child exits. A failure here never fails the build: without a cache, functions only
// start slower.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const cache = path.join(dist, '.compile-cache');

if (process.argv[2] === '--child') {
  const { createRequire, flushCompileCache } = await import('node:module');
  const { readdirSync } = await import('node:fs');
  const require = createRequire(path.join(dist, 'functions', 'index.js'));
  // Enables the cache exactly as a function does (the folder exists, so it does).
  require('./compile-cache');
  const loaded = { ok: 0, failed: [] };
  const load = (id) => {
    try {
      require(id);
      loaded.ok += 1;
    } catch (e) {
      loaded.failed.push(`${path.relative(root, id)}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
  };
  // The runtime dependencies, and the Functions Framework's own modules but its CLI (which would listen).
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  for (const dep of Object.keys(pkg.dependencies ?? {})) load(dep);
  let ff;
  try {
    ff = path.dirname(require.resolve('@google-cloud/functions-framework'));
  } catch {
    ff = undefined;
  }
  for (const f of ff ? readdirSync(ff) : []) if (f.endsWith('.js') && f !== 'main.js') load(path.join(ff, f));
  // Every compiled module of ours (local-server.js starts nothing unless it is the main module).
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && !e.name.startsWith('.')) walk(p);
      else if (e.isFile() && e.name.endsWith('.js')) load(p);
    }
  };
  walk(dist);
  flushCompileCache();
  process.stdout.write(JSON.stringify(loaded));
  process.exit(0);
}

if (!existsSync(path.join(dist, 'functions', 'index.js'))) {
  process.stderr.write('build-compile-cache: dist/ is not built; run tsc first\n');
  process.exit(0);
}
rmSync(cache, { recursive: true, force: true });
mkdirSync(cache, { recursive: true });
const data = mkdtempSync(path.join(os.tmpdir(), 'compile-cache-'));
const started = Date.now();
try {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', BROKER: 'paper', STORE: 'local', SECRETS: 'env', DATA_DIR: data, LOG_LEVEL: 'ERROR', NODE_ENV: 'production' };
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child'], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
  const summary = r.status === 0 ? JSON.parse(r.stdout || '{}') : undefined;
  if (!summary) {
    rmSync(cache, { recursive: true, force: true });
    process.stderr.write(`build-compile-cache: skipped, functions will compile at start (${(r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n')[0]})\n`);
  } else {
    for (const f of summary.failed) process.stderr.write(`build-compile-cache: not cached: ${f}\n`);
    process.stderr.write(`build-compile-cache: ${summary.ok} modules cached in ${path.relative(root, cache)} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
} finally {
  rmSync(data, { recursive: true, force: true });
}
