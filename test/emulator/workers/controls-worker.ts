/**
 * A separate OS process that reads the runtime controls the way a webhook instance does (live
 * controls over the real Firestore store), so tests and the bench can time how long a kill switch set
 * elsewhere takes to bite here. The cache is set to a day: only the listener can deliver a change.
 * Input: one JSON argument (ControlsWorkerJob). Output: JSON lines on stdout, `{ ready: true }` once
 * the listener delivered, then `{ tradingEnabled, at }` at every change it sees (`at` = epoch ms).
 */
import { Firestore } from '@google-cloud/firestore';
import { createFirestoreControlsStore } from '../../../shared/store/firestore/controls.firestore';
import { liveControls } from '../../../shared/store/live-controls';
import { createLogger } from '../../../shared/platform/logger';

export interface ControlsWorkerJob {
  prefix: string;
  /** How often the worker asks, as alerts would (ms). */
  pollMs: number;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as ControlsWorkerJob;
  const db = new Firestore({ projectId: process.env.GOOGLE_CLOUD_PROJECT });
  const store = createFirestoreControlsStore(db, { prefix: job.prefix });
  const controls = liveControls(store, { clock: Date.now, logger: createLogger({ level: 'ERROR', sink: () => undefined }), cacheMs: 86_400_000 });
  controls.start();
  let last: boolean | undefined;
  const say = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');
  for (;;) {
    const c = await controls();
    if (last === undefined && controls.listening()) say({ ready: true });
    if (last !== undefined && c.tradingEnabled !== last) say({ tradingEnabled: c.tradingEnabled, at: Date.now() });
    if (controls.listening()) last = c.tradingEnabled;
    await new Promise((r) => setTimeout(r, job.pollMs));
  }
}

process.on('SIGTERM', () => process.exit(0));
main().catch((e: unknown) => {
  process.stderr.write(`controls-worker failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
