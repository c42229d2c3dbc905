import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { paperEnv } from '../helpers/server-process';

/**
 * A deployed function loads the wiring its own handler reaches and no more: the order path is built
 * with the instance, and the pages', the broker session's and the order followers' wiring load only
 * when a function asks for that part. Measured in a fresh process, where Node's module cache is real.
 */
const ROOT = path.resolve(__dirname, '../..');
const RUNNER = path.join(ROOT, 'test/emulator/workers/run-ts.cjs');

async function loadedWiring(...parts: string[]): Promise<Record<string, string[]>> {
  const { env, dataDir } = paperEnv({ FUNCTION_TARGET: 'webhook' });
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [RUNNER, path.join(__dirname, 'workers/loaded-wiring.ts'), ...parts], { cwd: ROOT, env });
    return JSON.parse(stdout) as Record<string, string[]>;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

it('the webhook part loads no leaf wiring; each leaf loads when its part is first used', async () => {
  expect(await loadedWiring('webhook', 'console', 'auth', 'orderUpdates')).toEqual({
    built: [],
    webhook: [],
    console: ['pages.wiring'],
    auth: ['pages.wiring', 'session.wiring'],
    orderUpdates: ['pages.wiring', 'session.wiring', 'lifecycle-functions.wiring'],
  });
});
