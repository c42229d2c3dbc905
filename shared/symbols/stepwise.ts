/**
 * Long work written once as a generator that yields between chunks, run either at once or paced.
 * Decoding and indexing ~100k contracts takes a few hundred milliseconds of CPU; an instance swapping
 * in a new index while it serves alerts runs it paced, so an alert never waits for more than one chunk.
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs every step now, without pausing. */
export function runNow<T>(steps: Steps<T>): T {
  let r = steps.next();
  while (!r.done) r = steps.next();
  return r.value;
}

/** Runs the steps with `pace()` awaited between each, which lets other work go first. */
export async function runPaced<T>(steps: Steps<T>, pace: () => Promise<void>): Promise<T> {
  let r = steps.next();
  while (!r.done) {
    await pace();
    r = steps.next();
  }
  return r.value;
}

/** The default pace: one chunk per turn of the event loop, after the I/O that is ready (an alert's, say). */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
