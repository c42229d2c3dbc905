/**
 * What the stores found unreadable: a controls document, a daily counter or an idempotency record that
 * exists but cannot be parsed or fails validation (a torn write, a hand edit, a `null`). Such a record
 * is never treated as absent; the store refuses to act on it (trading disabled, the alert refused) and
 * reports it here, readiness says the store is not ready, and the operator is told once per record.
 */
export interface StoreProblem {
  /** Stable id of the record, e.g. `controls` or `idempotency/<hash>`. */
  id: string;
  /** One line an operator can act on; never a record's content. */
  what: string;
  since: number;
}

export interface StoreHealth {
  /** Records a problem; `recheck` resolves true once the record reads cleanly (or is gone). */
  unreadable(id: string, what: string, recheck: () => Promise<boolean>): void;
  /** The record read cleanly again. */
  readable(id: string): void;
  /** Re-reads every recorded record and returns the ones still unreadable. */
  check(): Promise<StoreProblem[]>;
  /** Called once per newly unreadable record (e.g. to notify the operator). */
  onUnreadable(listener: (p: StoreProblem) => void): void;
}

/** Bound on remembered problems: a flood of corrupt records must not grow memory without limit. */
const MAX_PROBLEMS = 100;

export function createStoreHealth(clock: () => number = Date.now): StoreHealth {
  const problems = new Map<string, StoreProblem & { recheck: () => Promise<boolean> }>();
  const listeners: Array<(p: StoreProblem) => void> = [];
  return {
    unreadable(id, what, recheck) {
      if (problems.has(id)) return;
      if (problems.size >= MAX_PROBLEMS) problems.delete(problems.keys().next().value as string);
      const p = { id, what, since: clock(), recheck };
      problems.set(id, p);
      for (const l of listeners) l({ id, what, since: p.since });
    },
    readable(id) {
      problems.delete(id);
    },
    async check() {
      for (const p of [...problems.values()]) {
        const clean = await p.recheck().catch(() => false);
        if (clean) problems.delete(p.id);
      }
      return [...problems.values()].map(({ id, what, since }) => ({ id, what, since }));
    },
    onUnreadable(listener) {
      listeners.push(listener);
    },
  };
}
