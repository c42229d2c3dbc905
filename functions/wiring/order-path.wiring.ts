import { createOrderExecutor, type OrderExecutor } from '../../shared/orders/execute/execute-plan';
import type { LifecycleDeps } from '../../shared/orders/lifecycle/lifecycle.deps';
import { lifecycleExits, lifecycleRecorder } from '../../shared/orders/lifecycle/lifecycle-recorder';
import { createThrottledNotifier } from '../../shared/notify/throttled-notifier';
import { managedExitsEnabled } from '../protection-seam';
import type { WiringContext } from './wiring-context';

/**
 * The one order path: the executor that every alert, exit, flatten and rollback hands its plan to,
 * sending through the one paced broker port, and the lifecycle it records every order in. They use
 * each other (the executor records through the lifecycle; the lifecycle's exits are plans for the
 * executor), so they are wired together here and nowhere else.
 */
export function orderPath(w: WiringContext): { executor: OrderExecutor; lifecycle: LifecycleDeps } {
  const { config, adapters, clock, logger, instanceId } = w;
  const lifecycle: LifecycleDeps = {
    clock,
    logger,
    records: adapters.orderRecords,
    publisher: adapters.orderEvents,
    // Fills and exits can come by the dozen in a busy minute; the operator gets a few and a count.
    notifier: createThrottledNotifier(adapters.notifier, { clock, windowMs: 60_000, perKindPerWindow: 5 }),
    broker: adapters.broker,
    instanceId,
    refusals: w.refusals,
    background: w.background.add,
    settings: {
      managedExits: () => managedExitsEnabled(config),
      // Longer than a broker call (timeout) twice over: a claim never lapses while its send is undecided.
      exitClaimMs: Math.max(10_000, config.fyers.timeoutMs * 4),
      stopLimitSlippagePct: 0.02,
      unfilledAlertMs: config.lifecycle.unfilledAlertMs,
      outboxGraceMs: 30_000,
    },
  };
  lifecycle.recorder = lifecycleRecorder(lifecycle);
  const executor = createOrderExecutor({ broker: adapters.broker, logger, recorder: lifecycle.recorder, exits: lifecycleExits(lifecycle), notify: { notifier: adapters.notifier, clock } });
  lifecycle.executor = executor;
  return { executor, lifecycle };
}
