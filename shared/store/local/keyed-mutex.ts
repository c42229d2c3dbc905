/**
 * Serialises async work per key within one process. The local stores run on a single instance, so
 * this is what makes their read-modify-write steps atomic (there is no cross-process locking).
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      // Forget the key once nothing else queued behind this run, so the map does not grow forever.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

/**
 * One lock table per process, keyed by absolute file path, so two store objects opened on the same
 * folder (e.g. the webhook and the controls endpoint) still serialise against each other.
 */
export const fileLocks = new KeyedMutex();
