import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { GO_LINE, READY_LINE, REPORT_PREFIX, type PipelineJob, type PipelineReport } from '../workers/pipeline-protocol';

const ROOT = path.resolve(__dirname, '../../..');
const RUNNER = path.join(__dirname, '..', 'workers', 'run-ts.cjs');
const WORKER = path.join(__dirname, '..', 'workers', 'pipeline-worker.ts');

export interface PipelineProcess {
  child: ChildProcess;
  /** Resolves once the worker has built its deps and warmed up; rejects if it died first. */
  ready: Promise<void>;
  /** Lets the worker hand over its deliveries. */
  go(): void;
  /** Resolves with the report, or rejects if the process ended without one (e.g. killed on purpose). */
  report: Promise<PipelineReport>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a webhook instance in its own OS process with `env` on top of this process's environment. */
export function startPipelineProcess(job: PipelineJob, env: Record<string, string>): PipelineProcess {
  const child = spawn(process.execPath, [RUNNER, WORKER, JSON.stringify(job)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.split('\n').includes(READY_LINE)) resolve();
    });
    void exited.then(({ code, signal }) => reject(new Error(`worker ${job.label} ended (code ${code}, signal ${signal}) before it was ready: ${err.slice(-2000)}`)));
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const report = exited.then(({ code, signal }) => {
    const line = out.split('\n').find((l) => l.startsWith(REPORT_PREFIX));
    if (!line) throw new Error(`worker ${job.label} ended (code ${code}, signal ${signal}) without a report: ${err.slice(-2000)}`);
    return JSON.parse(line.slice(REPORT_PREFIX.length)) as PipelineReport;
  });
  // Callers that only await one of these (a worker killed on purpose) must not leave a rejection unhandled.
  ready.catch(() => undefined);
  report.catch(() => undefined);
  return { child, ready, go: () => void child.stdin!.write(GO_LINE + '\n'), report, exited };
}

/** Starts the workers, waits until all are warm, then releases them together and collects their reports. */
export async function runTogether(jobs: PipelineJob[], env: Record<string, string>): Promise<PipelineReport[]> {
  const procs = jobs.map((j) => startPipelineProcess(j, env));
  try {
    await Promise.all(procs.map((p) => p.ready));
  } catch (e) {
    for (const p of procs) p.child.kill('SIGKILL');
    throw e;
  }
  for (const p of procs) p.go();
  return Promise.all(procs.map((p) => p.report));
}
