import type { Firestore } from '@google-cloud/firestore';
import { randomToken } from '../../platform/ids';
import type { ControlsChange, ControlsPatch, ControlsStore, RuntimeControls } from '../controls.port';
import { applyControlsPatch, withControlDefaults } from '../controls-rules';
import { DependencyUnavailableError } from '../../errors';
import type { StoreHealth } from '../store-health';
import { isStoredControls, UNREADABLE_CONTROLS } from '../stored-shapes';
import { compareAndSet } from './compare-and-set';
import { collectionName, docIdFor, guarded, withoutUndefined, type FirestoreStoreOptions } from './firestore-docs';

const DEFAULT_HISTORY_LIMIT = 20;

/**
 * Runtime controls in `<prefix>controls/runtime`, every change also written to its `history`
 * subcollection in the same transaction (who, when, before, after). The per-day order cap counts in
 * `<prefix>dailyOrders/<YYYY-MM-DD>`, incremented by compare-and-set so instances cannot overshoot it.
 */
export function createFirestoreControlsStore(db: Firestore, options: FirestoreStoreOptions & { health?: StoreHealth } = {}): ControlsStore {
  const runtime = db.collection(collectionName(options, 'controls')).doc('runtime');
  const history = runtime.collection('history');
  const daily = db.collection(collectionName(options, 'dailyOrders'));
  const health = options.health;
  const recheckRuntime = () => runtime.get().then((s) => !s.exists || isStoredControls(s.data()), () => false);

  /**
   * A document that fails validation means trading is disabled (never the defaults, which enable it);
   * the kill switch stays settable, since a change starts from the disabled state and replaces it.
   */
  const controlsFrom = (data: unknown): RuntimeControls => {
    if (data === undefined || isStoredControls(data)) {
      health?.readable('controls');
      return withControlDefaults(data as Partial<RuntimeControls> | undefined);
    }
    health?.unreadable('controls', 'The runtime controls document fails validation: trading is disabled until the controls are set again', recheckRuntime);
    return { ...UNREADABLE_CONTROLS };
  };

  /** A counter document that is not a count refuses capped orders rather than restarting the count. */
  const countFrom = (day: string, data: Record<string, unknown> | undefined): number => {
    if (data === undefined) return 0;
    if (Number.isInteger(data.count) && (data.count as number) >= 0) return data.count as number;
    const doc = daily.doc(docIdFor(day));
    health?.unreadable(`dailyOrders/${day}`, `The daily order counter for ${day} fails validation: capped orders are refused until it is repaired`, () =>
      doc.get().then((s) => !s.exists || (Number.isInteger(s.data()?.count) && s.data()!.count >= 0), () => false),
    );
    throw new DependencyUnavailableError('The daily order counter is unreadable; an operator has been told');
  };

  return {
    async get(): Promise<RuntimeControls> {
      const snap = await guarded('read the runtime controls', () => runtime.get());
      return controlsFrom(snap.data());
    },

    update(patch: ControlsPatch, actor: string, nowMs: number): Promise<ControlsChange> {
      return guarded('update the runtime controls', () =>
        db.runTransaction(async (tx) => {
          const before = controlsFrom((await tx.get(runtime)).data());
          const change: ControlsChange = { actor, at: nowMs, before, after: applyControlsPatch(before, patch) };
          // Whole-document set, not merge: a cleared override must disappear from the stored doc.
          tx.set(runtime, withoutUndefined(change.after));
          // Time-ordered id keeps the console listing chronological; the suffix separates same-ms changes.
          tx.create(history.doc(`${String(nowMs).padStart(15, '0')}-${randomToken(6)}`), withoutUndefined(change));
          return change;
        }),
      ).then((change) => {
        health?.readable('controls');
        return change;
      });
    },

    async history(limit = DEFAULT_HISTORY_LIMIT): Promise<ControlsChange[]> {
      const snap = await guarded('read the controls history', () => history.orderBy('at', 'desc').limit(limit).get());
      return snap.docs.map((d) => d.data() as ControlsChange);
    },

    watch(onChange, onError) {
      // The same validation as a read: a pushed document that fails it disables trading, never the defaults.
      return runtime.onSnapshot((snap) => onChange(controlsFrom(snap.data())), onError);
    },

    reserveDailyOrder(day: string, cap: number): Promise<boolean> {
      const doc = daily.doc(docIdFor(day));
      // Every order of the day hits this one document, so it uses compare-and-set, not a transaction.
      return guarded('count an order against the daily cap', () =>
        compareAndSet(doc, (data) => {
          const used = countFrom(day, data);
          return used >= cap ? { result: false } : { result: true, write: { day, count: used + 1 } };
        }),
      );
    },

    async releaseDailyOrder(day: string): Promise<void> {
      const doc = daily.doc(docIdFor(day));
      await guarded('give back a daily-cap slot', () =>
        compareAndSet(doc, (data) => {
          const used = countFrom(day, data);
          return used <= 0 ? { result: undefined } : { result: undefined, write: { day, count: used - 1 } };
        }),
      );
    },
  };
}
