import type { Firestore } from '@google-cloud/firestore';
import { randomToken } from '../../platform/ids';
import type { ControlsChange, ControlsStore, RuntimeControls } from '../controls.port';
import { applyControlsPatch, withControlDefaults } from '../controls-rules';
import { compareAndSet } from './compare-and-set';
import { collectionName, docIdFor, guarded, withoutUndefined, type FirestoreStoreOptions } from './firestore-docs';

const DEFAULT_HISTORY_LIMIT = 20;

/**
 * Runtime controls in `<prefix>controls/runtime`, every change also written to its `history`
 * subcollection in the same transaction (who, when, before, after). The per-day order cap counts in
 * `<prefix>dailyOrders/<YYYY-MM-DD>`, incremented by compare-and-set so instances cannot overshoot it.
 */
export function createFirestoreControlsStore(db: Firestore, options: FirestoreStoreOptions = {}): ControlsStore {
  const runtime = db.collection(collectionName(options, 'controls')).doc('runtime');
  const history = runtime.collection('history');
  const daily = db.collection(collectionName(options, 'dailyOrders'));

  return {
    async get(): Promise<RuntimeControls> {
      const snap = await guarded('read the runtime controls', () => runtime.get());
      return withControlDefaults(snap.data() as Partial<RuntimeControls> | undefined);
    },

    update(patch: Partial<RuntimeControls>, actor: string, nowMs: number): Promise<ControlsChange> {
      return guarded('update the runtime controls', () =>
        db.runTransaction(async (tx) => {
          const before = withControlDefaults((await tx.get(runtime)).data() as Partial<RuntimeControls> | undefined);
          const change: ControlsChange = { actor, at: nowMs, before, after: applyControlsPatch(before, patch) };
          // Whole-document set, not merge: a cleared override must disappear from the stored doc.
          tx.set(runtime, withoutUndefined(change.after));
          // Time-ordered id keeps the console listing chronological; the suffix separates same-ms changes.
          tx.create(history.doc(`${String(nowMs).padStart(15, '0')}-${randomToken(6)}`), withoutUndefined(change));
          return change;
        }),
      );
    },

    async history(limit = DEFAULT_HISTORY_LIMIT): Promise<ControlsChange[]> {
      const snap = await guarded('read the controls history', () => history.orderBy('at', 'desc').limit(limit).get());
      return snap.docs.map((d) => d.data() as ControlsChange);
    },

    watch(onChange, onError) {
      return runtime.onSnapshot((snap) => onChange(withControlDefaults(snap.data() as Partial<RuntimeControls> | undefined)), onError);
    },

    reserveDailyOrder(day: string, cap: number): Promise<boolean> {
      const doc = daily.doc(docIdFor(day));
      // Every order of the day hits this one document, so it uses compare-and-set, not a transaction.
      return guarded('count an order against the daily cap', () =>
        compareAndSet(doc, (data) => {
          const used = Number(data?.count ?? 0);
          return used >= cap ? { result: false } : { result: true, write: { day, count: used + 1 } };
        }),
      );
    },

    async releaseDailyOrder(day: string): Promise<void> {
      const doc = daily.doc(docIdFor(day));
      await guarded('give back a daily-cap slot', () =>
        compareAndSet(doc, (data) => {
          const used = Number(data?.count ?? 0);
          return used <= 0 ? { result: undefined } : { result: undefined, write: { day, count: used - 1 } };
        }),
      );
    },
  };
}
