import { spawn } from 'node:child_process';
import path from 'node:path';
import { uniquePrefix, requireEmulators } from './helpers/emulator-env';
import type { WorkerJob, WorkerReport } from './workers/claim-worker';

/**
 * Claims racing from separate OS processes, each with its own Firestore client, against the emulator.
 * This is the production shape (several Cloud Run instances), which in-process tests cannot show.
 */
const ROOT = path.resolve(__dirname, '../..');
const RUNNER = path.join(__dirname, 'workers', 'run-ts.cjs');
const WORKER = path.join(__dirname, 'workers', 'claim-worker.ts');

// Contended emulator transactions can stall for seconds before ABORTED and a retry.
jest.setTimeout(120_000);

beforeAll(() => {
  requireEmulators();
});

function runWorker(job: WorkerJob): Promise<WorkerReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUNNER, WORKER, JSON.stringify(job)], { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`worker ${job.owner} exited ${code}: ${err}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as WorkerReport);
      } catch {
        reject(new Error(`worker ${job.owner} printed no report: ${out} ${err}`));
      }
    });
  });
}

/** Workers need ~1–2 s to load the SDK; a shared start line a few seconds out makes them fire together. */
const startLine = () => Date.now() + 4000;

describe('idempotency claims across processes (Firestore emulator)', () => {
  it('grants exactly one claim when two processes each claim the same key 50 times at once', async () => {
    const prefix = uniquePrefix('race-same');
    const startAt = startLine();
    const keys = Array.from({ length: 50 }, () => 'k:same');
    const reports = await Promise.all(
      ['p1', 'p2'].map((owner) => runWorker({ prefix, owner, keys, leaseMs: 60_000, startAt })),
    );
    const outcomes = reports.flatMap((r) => r.outcomes);
    expect(new Set(reports.map((r) => r.pid)).size).toBe(2);
    expect(outcomes.filter((o) => o.kind === 'error')).toEqual([]);
    expect(outcomes).toHaveLength(100);
    expect(outcomes.filter((o) => o.kind === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'in-flight')).toHaveLength(99);
    // Every loser was told who holds the key, and it is the single winner.
    const winner = outcomes.find((o) => o.kind === 'claimed')?.owner;
    expect(new Set(outcomes.map((o) => o.owner))).toEqual(new Set([winner]));
  });

  it('grants each of 100 distinct keys exactly once when two processes race for all of them', async () => {
    const prefix = uniquePrefix('race-many');
    const startAt = startLine();
    const keys = Array.from({ length: 100 }, (_, i) => `k:many-${i}`);
    const reports = await Promise.all(
      ['p1', 'p2'].map((owner) => runWorker({ prefix, owner, keys, leaseMs: 60_000, startAt })),
    );
    const outcomes = reports.flatMap((r) => r.outcomes);
    expect(outcomes.filter((o) => o.kind === 'error')).toEqual([]);
    const claimed = outcomes.filter((o) => o.kind === 'claimed');
    expect(claimed).toHaveLength(100);
    expect(new Set(claimed.map((o) => o.key)).size).toBe(100);
    expect(outcomes.filter((o) => o.kind === 'in-flight')).toHaveLength(100);
  });

  it('lets exactly one other process recover a claim whose owner crashed, once its lease has passed', async () => {
    const prefix = uniquePrefix('crash');
    const leaseMs = 2000;
    const crashed = await runWorker({ prefix, owner: 'doomed', keys: ['k:crash'], leaseMs, startAt: 0, crashAfterClaim: true });
    expect(crashed.outcomes[0]?.kind).toBe('claimed');
    const claimedAt = Date.now();

    const early = await runWorker({ prefix, owner: 'early', keys: ['k:crash'], leaseMs, startAt: 0 });
    // Loading the worker takes time; only assert in-flight if we are surely still inside the lease.
    if (Date.now() - claimedAt < leaseMs - 200) expect(early.outcomes[0]).toMatchObject({ kind: 'in-flight', owner: 'doomed' });

    // Two processes, ten attempts each, all after the lease: one takeover, everyone else waits on it.
    const startAt = Math.max(claimedAt + leaseMs + 100, startLine());
    const keys = Array.from({ length: 10 }, () => 'k:crash');
    const rescuers = await Promise.all(['r1', 'r2'].map((owner) => runWorker({ prefix, owner, keys, leaseMs: 60_000, startAt })));
    const outcomes = rescuers.flatMap((r) => r.outcomes);
    expect(outcomes.filter((o) => o.kind === 'error')).toEqual([]);
    const recovered = outcomes.filter((o) => o.kind === 'recover');
    expect(recovered).toHaveLength(1);
    expect(recovered[0]).toMatchObject({ previous: 'pending' });
    expect(['r1', 'r2']).toContain(recovered[0]?.owner);
    expect(outcomes.filter((o) => o.kind === 'in-flight' && o.owner === recovered[0]?.owner)).toHaveLength(19);
  });
});
