/**
 * The forward-test broker's book (orders, trades, positions) as one shared document. A paper strategy's
 * entry is placed by the webhook, its stop is swept by the reconcile and withdrawn by the next alert,
 * each possibly on another instance, so the book cannot live in one process's memory.
 *
 * `update` is an atomic read-modify-write: `decide` may run more than once (a lost race re-reads), so
 * it must be pure and synchronous; anything slow (quotes, the symbol index) is fetched before.
 */
export interface PaperBookStore<S> {
  read(): Promise<S | undefined>;
  /** `next` undefined leaves the book as it was. */
  update<T>(decide: (current: S | undefined) => { next?: S; result: T }): Promise<T>;
}

/** A book held by this process alone (tests, and a paper broker with no shared store). */
export function memoryPaperBook<S>(initial?: S): PaperBookStore<S> {
  let state = initial === undefined ? undefined : structuredClone(initial);
  return {
    read: async () => (state === undefined ? undefined : structuredClone(state)),
    async update(decide) {
      const { next, result } = decide(state === undefined ? undefined : structuredClone(state));
      if (next !== undefined) state = structuredClone(next);
      return result;
    },
  };
}
