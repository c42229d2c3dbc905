import type { Broker } from '../../broker/broker.port';
import type { OrderExecutor } from '../execute/execute-plan';
import type { OrderRecorder } from '../execute/order-recorder.port';
import type { OrderEventPublisher } from './order-events.port';
import type { Notifier } from '../../notify/notifier.port';
import type { RefusalDigest } from '../../notify/refusal-digest';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { OrderRecordStore } from '../../store/order-records.port';
import type { OrderEventV1 } from './order-event';
import type { OrderRecord } from './order-record';

export interface LifecycleSettings {
  /**
   * Whether the bridge places and manages exits itself (PROTECTION=managed). A seam: the setting is
   * owned by the market-rules configuration; until it is wired this answers false (off).
   */
  managedExits: () => boolean | Promise<boolean>;
  /** How long a process holds an entry's exits while it places or changes them. */
  exitClaimMs: number;
  /** How far below (sell stop) or above (buy stop) the trigger an SL-L rests, as a fraction of the trigger. */
  stopLimitSlippagePct: number;
  /** Market orders still unfilled this long after acceptance are reported. */
  unfilledAlertMs: number;
  /** Outbox events unpublished this long are published by the reconcile. */
  outboxGraceMs: number;
}

/** Everything the order lifecycle (postbacks, reconcile, exits, events) touches. Built by functions/composition.ts. */
export interface LifecycleDeps {
  clock: Clock;
  logger: Logger;
  records: OrderRecordStore<OrderRecord, OrderEventV1>;
  publisher: OrderEventPublisher;
  notifier: Notifier;
  /** The one broker port, for reads (orderbook, tradebook); absent: nothing to reconcile against. */
  broker?: Broker;
  /** The one executor, which places, modifies and cancels every exit; absent: no exits are placed. */
  executor?: OrderExecutor;
  /** This lifecycle's own recorder, for exits another process sent and this one found by tag. */
  recorder?: OrderRecorder;
  instanceId: string;
  settings: LifecycleSettings;
  /** The refusal digest alerts' refusals go to: a late rejection is counted there too (after its own notice). */
  refusals?: RefusalDigest;
  /**
   * Receives work that may outlive its request (a postback follow-up still running when its answer goes), so a
   * shutdown or a test can wait for it; absent: it just runs. The reconcile repeats whatever is lost.
   */
  background?: (work: Promise<unknown>) => void;
}
