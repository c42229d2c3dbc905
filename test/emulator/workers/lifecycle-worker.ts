/**
 * A separate OS process running the order lifecycle against the emulators and a fake Fyers, as one
 * Cloud Run instance would: `serve` answers postbacks (the orderUpdates handler), `reconcile` runs the
 * reconcile in a loop. Input: one JSON argument (LifecycleJob). Output: JSON lines on stdout,
 * `{"ready": …}` once serving, then a final `{"report": …}`.
 */
import { reconcileOrders } from '../../../shared/orders/lifecycle/reconcile-orders';
import { buildLifecycle, servePostbacks, type LifecycleWiring } from './lifecycle-deps';

export interface LifecycleJob {
  mode: 'serve' | 'reconcile';
  wiring: LifecycleWiring;
  runForMs: number;
  postbackSecret: string;
}

const say = (o: unknown) => new Promise<void>((r) => process.stdout.write(JSON.stringify(o) + '\n', () => r()));

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as LifecycleJob;
  const life = buildLifecycle(job.wiring);
  await life.deps.records.listOpen(); // open the channel before the race starts
  const until = Date.now() + job.runForMs;
  if (job.mode === 'serve') {
    const { url, server, answers } = await servePostbacks(life.deps, job.postbackSecret);
    await say({ ready: url });
    await new Promise((r) => setTimeout(r, Math.max(0, until - Date.now())));
    await new Promise((r) => server.close(r));
    await say({ report: { answers, notifications: life.notifications.map((n) => n.kind) } });
  } else {
    await say({ ready: 'reconcile' });
    let runs = 0;
    let changed = 0;
    while (Date.now() < until) {
      const r = await reconcileOrders(life.deps).catch(() => undefined);
      runs += 1;
      changed += r?.changed ?? 0;
    }
    await say({ report: { runs, changed, notifications: life.notifications.map((n) => n.kind) } });
  }
  await life.close();
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`lifecycle-worker failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
