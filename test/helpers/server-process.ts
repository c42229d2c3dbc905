import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const RUN_TS = path.join(ROOT, 'test/emulator/workers/run-ts.cjs');
const FRAMEWORK_MAIN = path.join(ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js');

export interface ServerProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port> */
  base: string;
  /** Resident memory now and at its peak since start, in MB, from /proc. */
  memory(): { rssMb: number; peakMb: number };
  stderr(): string;
  stop(): Promise<void>;
}

/** Env for a paper-broker, local-store process in its own data folder, with nothing from the cloud. */
export function paperEnv(extra: Record<string, string> = {}): { env: NodeJS.ProcessEnv; dataDir: string } {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bridge-proc-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (/^(K_|FUNCTION_|FYERS_|WEBHOOK_SECRET|CONTROLS_KEY|NOTIFY_|SYMBOL_MASTER_|STORE|BROKER|SECRETS)/.test(k)) delete env[k];
  Object.assign(env, {
    BROKER: 'paper',
    STORE: 'local',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'ERROR',
    METADATA_SERVER_DETECTION: 'none',
    CLOUDSDK_CORE_CHECK_GCE_METADATA: 'false',
    ...extra,
  });
  return { env, dataDir };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, err: () => string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${err().slice(-2000)}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not listen on ${port}: ${err().slice(-2000)}`);
}

function wrap(child: ChildProcess, port: number, err: () => string, dataDir: string): ServerProcess {
  const status = () => readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = (text: string, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return {
    child,
    base: `http://127.0.0.1:${port}`,
    memory() {
      const s = status();
      return { rssMb: kb(s, 'VmRSS') / 1024, peakMb: kb(s, 'VmHWM') / 1024 };
    },
    stderr: err,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One function served the way Cloud Run serves it: `functions-framework --target=<name>` on our entry point. */
export async function startFrameworkProcess(target: string, extraEnv: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const { env, dataDir } = paperEnv(extraEnv);
  const child = spawn(process.execPath, [RUN_TS, FRAMEWORK_MAIN, `--target=${target}`, `--source=${path.join(ROOT, 'functions/index.ts')}`, `--port=${port}`], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
  await waitForPort(port, child, () => err);
  return wrap(child, port, () => err, dataDir);
}

/** Every function on one port, as `npm start` serves them. */
export async function startLocalServerProcess(extraEnv: Record<string, string> = {}): Promise<ServerProcess> {
  const { env, dataDir } = paperEnv(extraEnv);
  const child = spawn(process.execPath, [RUN_TS, path.join(ROOT, 'test/integration/workers/serve-local.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /LISTENING (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`local server exited (${code}): ${err.slice(-2000)}`)));
  });
  return wrap(child, port, () => err, dataDir);
}
