// Runs a TypeScript file in a plain child process, for tests that need separate OS processes.
// Node's own type stripping cannot resolve the repo's extensionless imports, so this registers a
// require hook that transpiles each .ts file with the project's TypeScript (no type check, no build).
// usage: node test/emulator/workers/run-ts.cjs <file.ts> [args...]
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
  });
  module._compile(outputText, filename);
};

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node run-ts.cjs <file.ts> [args...]');
  process.exit(2);
}
process.argv = [process.argv[0], path.resolve(entry), ...rest];
require(path.resolve(entry));
