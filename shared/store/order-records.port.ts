import type { OrderReport } from '../broker/broker.port';

/** States in which a record is still open (the reconcile visits these). */
export const OPEN_RECORD_STATES = ['accepted', 'partially_filled', 'unknown'] as const;

/** What the store needs of a record; the order lifecycle's OrderRecord has these and more. */
export interface StoredOrderRecord {
  id: string;
  state: string;
  version: number;
  exitsActive?: boolean;
  /** When the record was created (epoch ms): the console lists a day's records by it. */
  createdAt?: number;
}

/** What the store needs of an outbox event; the lifecycle's OrderEventV1 has these and more. */
export interface StoredOrderEvent {
  eventId: string;
  recordId: string;
  recordedAt: number;
  version: number;
}

/** What a `mutate` decision wants written: the new record and the events of its change, committed together. */
export interface RecordMutation<T, R = StoredOrderRecord, E = StoredOrderEvent> {
  result: T;
  /** Absent: leave the record as it is (and write no events). */
  record?: R;
  events?: E[];
}

/**
 * Order records, their event outbox and reports that arrived before their record.
 * `mutate` is the only way a record changes: read, decide, write record + events in one atomic step
 * (a Firestore transaction; locally a per-record lock), so two processes applying the same postback
 * produce one change and one event.
 */
export interface OrderRecordStore<R extends StoredOrderRecord = StoredOrderRecord, E extends StoredOrderEvent = StoredOrderEvent> {
  get(id: string): Promise<R | undefined>;
  mutate<T>(id: string, decide: (current: R | undefined) => RecordMutation<T, R, E>): Promise<T>;
  /** Records in accepted, partially_filled or unknown. */
  listOpen(): Promise<R[]>;
  /** Entry records whose managed exits are still active. */
  listExitsActive(): Promise<R[]>;
  /** Records created in [fromMs, toMs), oldest first: a day's orders for the console. */
  listCreatedBetween(fromMs: number, toMs: number): Promise<R[]>;

  /** Outbox: events not yet confirmed as published, oldest first. */
  unpublished(limit: number): Promise<E[]>;
  /** Outbox events of one record not yet confirmed as published, by version. */
  unpublishedOf(recordId: string): Promise<E[]>;
  /** Takes the right to publish an outbox event for `leaseMs`; false while another owner holds it or it is published. */
  claimPublish(eventId: string, owner: string, nowMs: number, leaseMs: number): Promise<boolean>;
  markPublished(eventId: string, nowMs: number): Promise<void>;

  /**
   * Creates a record unless it exists, in one atomic step with taking the early report kept for
   * `orderId` (see saveOrphan): `build` receives it and returns the record and events to write.
   * Returns undefined when the record already existed.
   */
  create<T>(id: string, orderId: string | undefined, build: (early: OrderReport | undefined) => RecordMutation<T, R, E>): Promise<T | undefined>;
  /**
   * Keeps a report for an order with no record yet (a postback faster than the placing instance),
   * atomically with checking that neither `recordIds` exists; false (nothing kept) when one does.
   * Newest (most filled) wins. Together with `create` no report falls between the two.
   */
  saveOrphan(report: OrderReport, recordIds: string[], nowMs: number): Promise<boolean>;
}
