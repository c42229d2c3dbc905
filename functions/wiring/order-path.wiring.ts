import { createOrderExecutor, type OrderExecutor } from '../../shared/orders/execute/execute-plan';
import type { LifecycleDeps } from '../../shared/orders/lifecycle/lifecycle.deps';
import { lifecycleExits, lifecycleRecorder } from '../../shared/orders/lifecycle/lifecycle-recorder';
import { createThrottledNotifier } from '../../shared/notify/throttled-notifier';
import { managedExitsEnabled } from '../protection-seam';
import type { WiringContext } from './wiring-context';
import type { Broker } from '../../shared/broker/broker.port';
import type { OrderRecordStore } from '../../shared/store/order-records.port';
import type { OrderRecord } from '../../shared/orders/lifecycle/order-record';
import type { OrderEventV1 } from '../../shared/orders/lifecycle/order-event';
import type { OrderEventPublisher } from '../../shared/orders/lifecycle/order-events.port';

export interface OrderPath {
  executor: OrderExecutor;
  lifecycle: LifecycleDeps;
}

/** Where an order path sends and records: the broker and live records, or the forward test's. */
export interface Venue {
  broker: Broker;
  records: OrderRecordStore<OrderRecord, OrderEventV1>;
  publisher: OrderEventPublisher;
}

/**
 * The one order path: the executor that every alert, exit, flatten and rollback hands its plan to,
 * sending through the one paced broker port, and the lifecycle it records every order in. They use
 * each other (the executor records through the lifecycle; the lifecycle's exits are plans for the
 * executor), so they are wired together here and nowhere else.
 */
export function orderPath(w: WiringContext, venue: Venue = { broker: w.adapters.broker, records: w.adapters.orderRecords, publisher: w.adapters.orderEvents }): OrderPath {
  const { config, adapters, clock, logger, instanceId } = w;
  const { broker, records, publisher } = venue;
  const lifecycle: LifecycleDeps = {
    clock,
    logger,
    records,
    publisher,
    // Fills and exits can come by the dozen in a busy minute; the operator gets a few and a count.
    notifier: createThrottledNotifier(adapters.notifier, { clock, windowMs: 60_000, perKindPerWindow: 5 }),
    broker,
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
  const executor = createOrderExecutor({ broker, logger, recorder: lifecycle.recorder, exits: lifecycleExits(lifecycle), notify: { notifier: adapters.notifier, clock } });
  lifecycle.executor = executor;
  return { executor, lifecycle };
}
