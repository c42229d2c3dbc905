import fs from 'node:fs';
import path from 'node:path';

/**
 * `npm run bench` and `npm run load` are plain JavaScript over the compiled tree, so the type checker
 * never sees what they import: a name that moved reads as undefined and quietly changes what is
 * measured (the postback window once did). Every name they take from our modules must be exported there.
 */
const ROOT = path.resolve(__dirname, '../../..');
const SCRIPTS = ['scripts/bench.mjs', 'scripts/load.mjs'];

const imports = SCRIPTS.flatMap((script) => {
  const text = fs.readFileSync(path.join(ROOT, script), 'utf8');
  const destructured = [...text.matchAll(/const \{([^}]+)\} = ds\('([^']+)'\)/g)].flatMap((m) =>
    m[1]!.split(',').map((n) => ({ script, name: n.trim().split(':')[0]!.trim(), module: m[2]! })),
  );
  const dotted = [...text.matchAll(/ds\('([^']+)'\)\.(\w+)/g)].map((m) => ({ script, name: m[2]!, module: m[1]! }));
  return [...destructured, ...dotted].filter((i) => i.name);
});

it('finds the imports it checks', () => {
  expect(imports.length).toBeGreaterThan(20);
  expect(imports).toContainEqual({ script: 'scripts/bench.mjs', name: 'POSTBACK_FOLLOW_UP_MS', module: 'functions/wiring/wiring-context.js' });
});

it.each(imports.map((i) => [`${i.script}: ${i.name} from ${i.module}`, i] as const))('%s', (_label, i) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module the script loads, from its TypeScript source
  const mod = require(path.join(ROOT, i.module.replace(/\.js$/, ''))) as Record<string, unknown>;
  expect(mod[i.name]).toBeDefined();
});
