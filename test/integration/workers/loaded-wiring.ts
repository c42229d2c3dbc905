// Builds an instance's deps the way a deployed function does, then reports which of the leaf wiring
// modules Node has loaded: after the build, and after each part named on the command line is used.
// usage: node run-ts.cjs loaded-wiring.ts <part> [<part>...]   (env: a paper, local-store config)
import { getDeps, type AppDeps } from '../../../functions/composition';

const LEAVES = ['pages.wiring', 'session.wiring', 'lifecycle-functions.wiring'];
const loaded = () => LEAVES.filter((leaf) => Object.keys(require.cache).some((file) => file.endsWith(`${leaf}.ts`)));

void (async () => {
  const deps = await getDeps();
  const report: Record<string, string[]> = { built: loaded() };
  for (const part of process.argv.slice(2)) {
    void deps[part as keyof AppDeps];
    report[part] = loaded();
  }
  await deps.close();
  process.stdout.write(JSON.stringify(report));
})();
