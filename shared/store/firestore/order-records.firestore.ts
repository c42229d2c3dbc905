import type { Firestore } from '@google-cloud/firestore';
import type { OrderReport } from '../../broker/broker.port';
import { OPEN_RECORD_STATES, type OrderRecordStore, type RecordMutation, type StoredOrderEvent, type StoredOrderRecord } from '../order-records.port';
import { compareAndSet } from './compare-and-set';
import { collectionName, docIdFor, guarded, withoutUndefined, type FirestoreStoreOptions } from './firestore-docs';

interface OutboxDoc<E> {
  event: E;
  recordedAt: number;
  published: boolean;
  publishedAt?: number;
  claim?: { owner: string; until: number };
}

/**
 * `<prefix>orders/<recordId>`, `<prefix>order-outbox/<eventId>` and `<prefix>order-orphans/<orderId>`.
 * A record and the events of its change are written in one transaction, so a change and its event
 * exist together or not at all. Contention per record is low (a postback, its Fyers retries and a
 * reconcile), which is where transactions suit better than compare-and-set.
 * Queries use single-field filters only (automatic indexes): orders.state, orders.exitsActive,
 * order-outbox.published, order-outbox.event.recordId. Outbox documents are small and a record has a
 * handful, so filtering `published` in memory is cheaper than a composite index to deploy.
 */
export function createFirestoreOrderRecordStore<R extends StoredOrderRecord, E extends StoredOrderEvent>(db: Firestore, options: FirestoreStoreOptions = {}): OrderRecordStore<R, E> {
  const records = db.collection(collectionName(options, 'orders'));
  const outbox = db.collection(collectionName(options, 'order-outbox'));
  const orphans = db.collection(collectionName(options, 'order-orphans'));

  return {
    async get(id) {
      const snap = await guarded('read an order record', () => records.doc(docIdFor(id)).get());
      return snap.exists ? (snap.data() as R) : undefined;
    },

    mutate<T>(id: string, decide: (current: R | undefined) => RecordMutation<T, R, E>): Promise<T> {
      const doc = records.doc(docIdFor(id));
      return guarded('update an order record', () =>
        db.runTransaction(async (tx) => {
          const snap = await tx.get(doc);
          const m = decide(snap.exists ? (snap.data() as R) : undefined);
          if (m.record) tx.set(doc, withoutUndefined(m.record));
          for (const event of m.events ?? []) {
            const entry: OutboxDoc<E> = { event, recordedAt: event.recordedAt, published: false };
            tx.create(outbox.doc(docIdFor(event.eventId)), withoutUndefined(entry));
          }
          return m.result;
        }),
      );
    },

    async listOpen() {
      const snap = await guarded('list open order records', () => records.where('state', 'in', [...OPEN_RECORD_STATES]).get());
      return snap.docs.map((d) => d.data() as R);
    },

    async listExitsActive() {
      const snap = await guarded('list managed exits', () => records.where('exitsActive', '==', true).get());
      return snap.docs.map((d) => d.data() as R);
    },

    async listCreatedBetween(fromMs, toMs) {
      // One field, two bounds: Firestore's single-field index serves it, no composite index needed.
      const snap = await guarded("list a day's order records", () => records.where('createdAt', '>=', fromMs).where('createdAt', '<', toMs).orderBy('createdAt').get());
      return snap.docs.map((d) => d.data() as R);
    },

    async unpublished(limit) {
      // Single-field filters only, so no composite index is needed; the backlog is small (minutes of events).
      const snap = await guarded('read the order-event outbox', () => outbox.where('published', '==', false).limit(limit).get());
      return snap.docs.map((d) => d.data() as OutboxDoc<E>).sort((a, b) => a.recordedAt - b.recordedAt).map((d) => d.event);
    },

    async unpublishedOf(recordId) {
      const snap = await guarded('read the order-event outbox', () => outbox.where('event.recordId', '==', recordId).get());
      return snap.docs.map((d) => d.data() as OutboxDoc<E>).filter((d) => !d.published).map((d) => d.event).sort((a, b) => a.version - b.version);
    },

    claimPublish(eventId, owner, nowMs, leaseMs) {
      return guarded('claim an order event', () =>
        compareAndSet(outbox.doc(docIdFor(eventId)), (data) => {
          const d = data as OutboxDoc<E> | undefined;
          if (!d || d.published) return { result: false };
          if (d.claim && d.claim.owner !== owner && d.claim.until > nowMs) return { result: false };
          return { result: true, write: { claim: { owner, until: nowMs + leaseMs } } };
        }),
      );
    },

    async markPublished(eventId, nowMs) {
      await guarded('mark an order event published', () => outbox.doc(docIdFor(eventId)).update({ published: true, publishedAt: nowMs }));
    },

    saveOrphan(report, recordIds, nowMs) {
      const orphan = orphans.doc(docIdFor(report.orderId));
      return guarded('keep an early order report', () =>
        db.runTransaction(async (tx) => {
          const snaps = await tx.getAll(...recordIds.map((id) => records.doc(docIdFor(id))), orphan);
          if (snaps.slice(0, -1).some((x) => x.exists)) return false;
          const prev = snaps[snaps.length - 1]!;
          const prevReport = prev.exists ? (prev.data() as { report: OrderReport }).report : undefined;
          if (!prevReport || prevReport.filledQty <= report.filledQty) tx.set(orphan, withoutUndefined({ report, at: nowMs }));
          return true;
        }),
      );
    },

    create<T>(id: string, orderId: string | undefined, build: (early: OrderReport | undefined) => RecordMutation<T, R, E>): Promise<T | undefined> {
      const doc = records.doc(docIdFor(id));
      const orphan = orderId ? orphans.doc(docIdFor(orderId)) : undefined;
      return guarded('create an order record', () =>
        db.runTransaction(async (tx) => {
          const [snap, early] = await tx.getAll(doc, ...(orphan ? [orphan] : []));
          if (snap!.exists) return undefined;
          const report = early?.exists ? (early.data() as { report: OrderReport }).report : undefined;
          const m = build(report);
          if (m.record) tx.create(doc, withoutUndefined(m.record));
          for (const event of m.events ?? []) tx.create(outbox.doc(docIdFor(event.eventId)), withoutUndefined({ event, recordedAt: event.recordedAt, published: false } satisfies OutboxDoc<E>));
          if (early?.exists) tx.delete(orphan!);
          return m.result;
        }),
      );
    },
  };
}
