import type { AppDeps } from '../../functions/composition';
import { gatherConsoleView } from '../../functions/console/console-view';
import { handleReadyz } from '../../functions/readyz/readyz.handler';
import { handleReconcile } from '../../functions/reconcile-orders/reconcile-orders.handler';
import { handleSquareOff } from '../../functions/square-off/square-off.handler';
import type { FakeFyers } from '../fake-fyers';
import { WEBHOOK_SECRET, startSampleBridge } from '../helpers/webhook-e2e-kit';
import { postAlert } from '../helpers/webhook-client';
import { useWebhookServer } from '../helpers/webhook-test-server';

/**
 * One account, one port: every call the bridge makes to Fyers in a day's work (an alert, its managed
 * exits, a reconcile, a square-off, console loads, readiness checks) is let through by the one pacer.
 * The fake counts what it received; the pacer counts what it granted; they are the same number.
 */
jest.setTimeout(30_000);
const server = useWebhookServer();

/** What reached the fake's trading and data API (login routes and the public master are not the app's budget). */
const apiCalls = (fake: FakeFyers) => fake.state.requests.filter((r) => r.route && !['generate-authcode', 'validate-authcode', 'validate-refresh-token', 'symbol-master'].includes(r.route)).length;
const granted = async (deps: AppDeps) => ((await deps.adapters.probes.brokerCircuit!()) as unknown as { pacing: { granted: number } }).pacing.granted;

it('every Fyers call of the alert, its exits, reconcile, square-off, console and readiness goes through the one paced port', async () => {
  const { fake, deps, close } = await startSampleBridge({ label: 'one-port', env: { PROTECTION: 'managed', SQUARE_OFF_AT: '09:00' }, instance: true });
  server.onCleanup(close);

  const alert = await postAlert(server.url(), { token: WEBHOOK_SECRET, symbol: 'NIFTY', strategy: 'day', position: 'long', qty: 1, sl: 10, tp: 20, idempotency_key: 'one-port-1' });
  expect(alert.status).toBe(200);
  // The exits went out too (a stop and a target).
  expect(fake.state.orders.filter((o) => o.type === 4 || o.type === 1)).toHaveLength(2);
  expect((await handleReconcile(deps.reconcile)).status).toBe(200);
  await gatherConsoleView(deps.console.view);
  await gatherConsoleView(deps.console.view);
  await handleReadyz(deps.readyz);
  await handleReadyz(deps.readyz);
  expect((await handleSquareOff(deps.squareOff)).body).toMatchObject({ due: 1 });

  const received = apiCalls(fake);
  expect(received).toBeGreaterThan(8);
  expect(await granted(deps)).toBe(received);
});
