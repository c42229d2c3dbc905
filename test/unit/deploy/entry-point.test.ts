import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';

/**
 * Issue 22, cold start: the package's main is what the Functions Framework loads on every cold start
 * of every function. Its loader first asks whether that file is an ES module; for a `.js` name it reads
 * package.json through `read-package-up` (an ES module chain, and with it Node's ES module loader),
 * which a `.cjs` name makes unnecessary. Here the framework loads a miniature of the built package:
 * our package.json's `main`, compiled from functions/main.cts, and an index that registers a function.
 */
const ROOT = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string };

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'entry-point-'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'x', main: pkg.main }));
  const main = path.join(root, pkg.main);
  fs.mkdirSync(path.dirname(main), { recursive: true });
  const source = fs.readFileSync(path.join(ROOT, 'functions/main.cts'), 'utf8');
  fs.writeFileSync(main, ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText);
  fs.writeFileSync(path.join(path.dirname(main), 'index.js'), "require('@google-cloud/functions-framework').http('webhook', (req, res) => res.send('ok'));\n");
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** Loads the package as the framework's CLI does, recording every module specifier resolved on the way. */
function loadAsTheFramework(dir: string) {
  const script = `
    const seen = [];
    require('node:module').registerHooks({ resolve: (specifier, context, next) => { seen.push(specifier); return next(specifier, context); } });
    const loader = require(${JSON.stringify(path.join(ROOT, 'node_modules/@google-cloud/functions-framework/build/src/loader.js'))});
    loader.getUserFunction(${JSON.stringify(dir)}, 'webhook', 'http').then((fn) => {
      process.stdout.write(JSON.stringify({ found: typeof fn?.userFunction === 'function', seen }));
    });
  `;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as { found: boolean; seen: string[] };
}

it("the package's main is CommonJS by its name, and loads the entry points", () => {
  expect(path.extname(pkg.main)).toBe('.cjs');
  const loaded = loadAsTheFramework(root);
  expect(loaded.found).toBe(true);
  expect(loaded.seen).not.toContain('read-package-up');
});

it('a .js main would send the framework through read-package-up (what the .cjs name saves)', () => {
  fs.writeFileSync(path.join(root, 'entry.js'), `require('./${path.posix.join(path.posix.dirname(pkg.main), 'index')}');\n`);
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'x', main: 'entry.js' }));
  const loaded = loadAsTheFramework(root);
  expect(loaded.found).toBe(true);
  expect(loaded.seen).toContain('read-package-up');
});
