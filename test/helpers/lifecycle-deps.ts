import type { Broker } from '../../shared/broker/broker.port';
import type { LifecycleDeps, LifecycleSettings } from '../../shared/orders/lifecycle/lifecycle.deps';
import type { Clock } from '../../shared/platform/clock';
import { silentLogger } from '../../shared/platform/logger';

/**
 * A lifecycle as the unit tests build it around their own store and broker: a silent logger, nothing
 * published, notices dropped unless the test collects them, no exits unless it asks for them.
 */
export function testLifecycleDeps(o: {
  clock: Clock;
  records: LifecycleDeps['records'];
  broker: Broker;
  settings?: Partial<LifecycleSettings>;
  notifier?: LifecycleDeps['notifier'];
}): LifecycleDeps {
  return {
    clock: o.clock,
    logger: silentLogger,
    records: o.records,
    publisher: { publish: async () => undefined },
    notifier: o.notifier ?? { notify: async () => undefined },
    broker: o.broker,
    instanceId: 'test',
    settings: { managedExits: () => false, exitClaimMs: 10_000, stopLimitSlippagePct: 0.02, unfilledAlertMs: 3_600_000, outboxGraceMs: 0, ...o.settings },
  };
}
