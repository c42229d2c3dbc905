import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalControlsStore } from '../../shared/store/local/controls.local';
import { createStoreHealth } from '../../shared/store/store-health';

/**
 * Issue 10 item 4: local store writes are atomic (temp file, flush, rename, folder sync). A process
 * killed with SIGKILL in the middle of a stream of controls changes leaves a controls file that reads
 * cleanly, holding one of the changes it made, and no unreadable state behind.
 */
jest.setTimeout(120_000);
const ROOT = path.resolve(__dirname, '../..');

async function killMidWrites(dir: string): Promise<number> {
  const child = spawn(process.execPath, [path.join(ROOT, 'test/emulator/workers/run-ts.cjs'), path.join(__dirname, 'workers/controls-writer.ts'), dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const drained = new Promise((r) => child.stdout!.once('end', r));
  const exited = new Promise((r) => child.once('exit', r));
  const killAt = 20 + Math.floor(Math.random() * 30);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      // Kill at a moment that varies run to run, once a good number of writes have happened.
      if (out.includes(`W ${killAt}\n`)) resolve();
    });
    child.once('exit', () => reject(new Error(`writer ended early: ${err.slice(-1000)}`)));
  });
  child.kill('SIGKILL');
  await Promise.all([exited, drained]);
  // Every change the writer finished before it died, reported (stdout to a pipe is synchronous on Linux).
  return Number([...out.matchAll(/W (\d+)\n/g)].at(-1)![1]);
}

describe('local controls under SIGKILL', () => {
  it('always reads cleanly afterwards, as one of the changes that were made', async () => {
    for (let round = 0; round < 4; round++) {
      const dir = mkdtempSync(path.join(tmpdir(), 'controls-crash-'));
      try {
        const lastReported = await killMidWrites(dir);
        const health = createStoreHealth();
        const store = createLocalControlsStore(dir, health);
        const controls = await store.get();
        expect(await health.check()).toEqual([]);
        const history = await store.history(1);
        const i = Number(history[0]!.actor.replace('writer-', ''));
        // The file holds the last reported change or the one in flight when the process died.
        expect([lastReported, lastReported + 1]).toContain(i);
        expect(controls).toMatchObject({ tradingEnabled: i % 2 === 0, maxLots: (i % 50) + 1 });
        // Temp files a killed write leaves behind are never mistaken for the store's file.
        expect(readdirSync(dir).filter((f) => !f.endsWith('.tmp'))).toEqual(['controls.json']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
