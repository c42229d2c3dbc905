import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ControlsWorkerJob } from '../workers/controls-worker';

// Also compiled into dist-scripts/ for the bench: the worker always runs from the TypeScript source.
const ROOT = path.resolve(__dirname, __dirname.split(path.sep).includes('dist-scripts') ? '../../../..' : '../../..');
const RUNNER = path.join(ROOT, 'test', 'emulator', 'workers', 'run-ts.cjs');
const WORKER = path.join(ROOT, 'test', 'emulator', 'workers', 'controls-worker.ts');

export interface ControlsWatcher {
  /** Resolves with the epoch ms at which this process first saw `tradingEnabled === value`. */
  sees(value: boolean, timeoutMs: number): Promise<number>;
  stop(): void;
}

/** Starts a controls-worker process and resolves once its listener has delivered the first value. */
export function startControlsWatcher(job: ControlsWorkerJob, env: NodeJS.ProcessEnv = process.env): Promise<ControlsWatcher> {
  const child: ChildProcess = spawn(process.execPath, [RUNNER, WORKER, JSON.stringify(job)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const seen: Array<{ tradingEnabled: boolean; at: number }> = [];
  const waiters: Array<() => void> = [];
  let err = '';
  let buf = '';
  let ready!: () => void;
  let failed!: (e: Error) => void;
  const readyP = new Promise<void>((res, rej) => ((ready = res), (failed = rej)));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.on('exit', (code) => failed(new Error(`controls worker exited ${code}: ${err}`)));
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = JSON.parse(buf.slice(0, nl)) as { ready?: boolean; tradingEnabled?: boolean; at?: number };
      buf = buf.slice(nl + 1);
      if (line.ready) ready();
      else seen.push({ tradingEnabled: line.tradingEnabled!, at: line.at! });
      for (const w of waiters.splice(0)) w();
    }
  });
  const watcher: ControlsWatcher = {
    async sees(value, timeoutMs) {
      const from = seen.length;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = seen.slice(from).find((s) => s.tradingEnabled === value);
        if (hit) return hit.at;
        if (Date.now() > deadline) throw new Error(`the worker did not see tradingEnabled=${value} within ${timeoutMs} ms`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
    },
    stop: () => void child.kill('SIGTERM'),
  };
  return readyP.then(() => watcher);
}
