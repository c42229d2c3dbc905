/**
 * A separate OS process that claims idempotency keys through the real Firestore store, so tests can
 * prove the claim is atomic across processes, not just across promises in one process.
 * Input: one JSON argument (WorkerJob). Output: one JSON line (WorkerReport) on stdout.
 */
import { Firestore } from '@google-cloud/firestore';
import { createFirestoreIdempotencyStore } from '../../../shared/store/firestore/idempotency.firestore';

export interface WorkerJob {
  prefix: string;
  owner: string;
  /** Keys to claim, all at once. Repeat a key to contend on it within this process. */
  keys: string[];
  leaseMs: number;
  /** Epoch ms to start at, so several processes fire at the same instant. */
  startAt: number;
  /** Die right after claiming, without completing or releasing (a crashed instance). */
  crashAfterClaim?: boolean;
}

export interface WorkerReport {
  owner: string;
  pid: number;
  outcomes: { key: string; kind: string; owner?: string; previous?: string; error?: string }[];
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as WorkerJob;
  const db = new Firestore({ projectId: process.env.GOOGLE_CLOUD_PROJECT });
  const store = createFirestoreIdempotencyStore(db, { prefix: job.prefix });
  // Open the channel before the start line, so connection set-up does not stagger the processes.
  await db.listCollections();
  await new Promise((r) => setTimeout(r, Math.max(0, job.startAt - Date.now())));

  const outcomes = await Promise.all(
    job.keys.map(async (key, i) => {
      try {
        const r = await store.claim({
          key, owner: job.owner, requestId: `${job.owner}-${i}`, orderTag: `tag${job.owner}`,
          nowMs: Date.now(), leaseMs: job.leaseMs, ttlMs: 3_600_000,
        });
        return { key, kind: r.kind, owner: r.record.owner, previous: r.kind === 'recover' ? r.previous : undefined };
      } catch (e) {
        return { key, kind: 'error', error: e instanceof Error ? `${e.message} ${String((e as { cause?: unknown }).cause)}` : String(e) };
      }
    }),
  );
  const report: WorkerReport = { owner: job.owner, pid: process.pid, outcomes };
  process.stdout.write(JSON.stringify(report) + '\n', () => {
    // A crashed instance does not tidy up: no complete(), no release(), no graceful client shutdown.
    if (job.crashAfterClaim) process.exit(0);
    void db.terminate().then(() => process.exit(0));
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`claim-worker failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
