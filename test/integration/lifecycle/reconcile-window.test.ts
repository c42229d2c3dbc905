import { handleReconcile } from '../../../functions/reconcile-orders/reconcile-orders.handler';
import { istInstant } from '../../../shared/platform/ist';
import { startSampleBridge } from '../../helpers/webhook-e2e-kit';
import { useWebhookServer } from '../../helpers/webhook-test-server';

/**
 * The reconcile follows orders through the exchange's whole session of the day it runs on: TRADING_WINDOW
 * stops new alerts, but exits armed before it ends keep working, filling and trailing until the close.
 */
const server = useWebhookServer();

it('keeps reconciling after TRADING_WINDOW ends, until the close plus its grace, by the session of the day it runs', async () => {
  const { deps, clock, close } = await startSampleBridge({ label: 'reconcile-window', env: { TRADING_WINDOW: '09:30-14:30', ENFORCE_TRADING_WINDOW: 'true' } });
  server.onCleanup(close);
  const statusAt = async (at: number) => {
    clock.set(at);
    return (await handleReconcile(deps.reconcile)).body.status;
  };
  expect(await statusAt(istInstant('2026-07-22', 15, 10))).toBe('reconciled'); // after the window, before the 15:30 close
  expect(await statusAt(istInstant('2026-07-22', 16, 0))).toBe('skipped'); // past the close and its 20 minutes
  // Since 3 Aug 2026 F&O closes at 15:40: a long-lived instance judges each run by that day's session.
  expect(await statusAt(istInstant('2026-08-03', 15, 55))).toBe('reconciled');
  expect(await statusAt(istInstant('2026-08-03', 16, 5))).toBe('skipped');
});
