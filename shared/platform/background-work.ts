/**
 * Work an instance started and did not wait for (a postback's exits after its answer). Shutdown waits
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
    async idle(maxMs: number): Promise<boolean> {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((r) => {
        timer = setTimeout(() => r(false), maxMs);
        timer.unref?.();
      });
      const drained = (async () => {
        while (pending.size > 0) await Promise.all([...pending]);
        return true as const;
      })();
      try {
        return await Promise.race([drained, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export type BackgroundWork = ReturnType<typeof backgroundWork>;
