/**
 * One webhook instance in its own OS process: it builds its deps through the test harness from this
 * process's environment alone, exactly as Cloud Run does (the composition root on parseConfig(process.env),
 * the system clock and the configured logger, so its own Firestore client, pacer, breaker and symbol
 * index) and hands each delivery to handleWebhook, the function behind the HTTP entry point.
 * Input: one JSON argument (PipelineJob). It prints READY once warm, waits for a `GO` line on stdin (so
 * several processes fire at the same moment), hands over every delivery at once, and prints one line
 * `REPORT <json>` (PipelineReport); the app's own log lines may come before it.
 */
import { handleWebhook } from '../../../functions/webhook/webhook.handler';
import { startHarness } from '../../helpers/bridge-harness';
import { GO_LINE, READY_LINE, REPORT_PREFIX, type DeliveryReply, type PipelineJob, type PipelineReport } from './pipeline-protocol';

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as PipelineJob;
  // Nothing added to the environment the parent gave (DATA_DIR included): the worker is an instance as deployed.
  const bridge = await startHarness({ env: process.env, dataDir: 'env', logger: 'configured' });
  const deps = bridge.deps;
  // Warm up as a live instance would be: symbol index loaded, Firestore channel open.
  await deps.adapters.symbols();
  await deps.adapters.idempotency.get('warm-up');
  const go = waitForGo();
  process.stdout.write(READY_LINE + '\n');
  await go;

  const replies = await Promise.all(
    job.deliveries.map(async (d): Promise<DeliveryReply> => {
      const sentAt = Date.now();
      const reply = await handleWebhook(deps.webhook, {
        method: 'POST',
        rawBody: Buffer.from(JSON.stringify(d.body)),
        headers: { 'content-type': 'text/plain', ...(d.headers ?? {}) },
        sourceIp: '127.0.0.1',
      });
      return { status: reply.status, body: reply.body, sentAt };
    }),
  );
  const report: PipelineReport = { label: job.label, pid: process.pid, replies };
  process.stdout.write(REPORT_PREFIX + JSON.stringify(report) + '\n', () => {
    void bridge.close().finally(() => process.exit(0));
  });
}

function waitForGo(): Promise<void> {
  return new Promise((resolve) => {
    let input = '';
    process.stdin.on('data', (d: Buffer) => {
      input += d.toString();
      if (input.split('\n').includes(GO_LINE)) resolve();
    });
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`pipeline-worker failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
