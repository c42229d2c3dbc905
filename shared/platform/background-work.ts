/**
 * Work an instance started and may not have waited for (a postback follow-up past its answer). Shutdown waits
 * for it, up to a bound, so a stop does not cut a send in half more often than it must; whatever is
 * cut is finished by the reconcile.
 */
export function backgroundWork() {
  const pending = new Set<Promise<unknown>>();
  return {
    add(work: Promise<unknown>): void {
      const settled = work.then(
        () => undefined,
        () => undefined,
      );
      pending.add(settled);
      void settled.then(() => pending.delete(settled));
    },
    get size() {
      return pending.size;
    },
    /** Resolves once nothing is pending (work added meanwhile included), or after `maxMs`: true when idle. */
    idle(maxMs: number): Promise<boolean> {
      return settledWithin(
        (async () => {
          while (pending.size > 0) await Promise.all([...pending]);
        })(),
        maxMs,
      );
    },
  };
}

export type BackgroundWork = ReturnType<typeof backgroundWork>;

/**
 * Resolves once `work` has settled (true) or `maxMs` has passed (false), whichever is first; never
 * rejects, and its timer neither outlives the wait nor holds the process open.
 */
export async function settledWithin(work: Promise<unknown>, maxMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => {
    timer = setTimeout(() => r(false), maxMs);
    timer.unref?.();
  });
  const settled = work.then(
    () => true as const,
    () => true as const,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
