import type { Clock } from './clock';

export type TtlCache<T> = (() => Promise<T>) & {
  /** A value no older than the TTL: the remembered one if it is, else a load (shared, as for a get). */
  fresh(): Promise<T>;
  /** Forgets the value, and any load still running: what that load brings back is not remembered. */
  invalidate(): void;
};

/**
 * Memoises an async loader for `ttlMs`. Concurrent callers share one in-flight load, and a failed
 * load is not cached, so a blip does not pin an error for the whole TTL.
 *
 * With `staleMs`, a value less than `staleMs` past its TTL answers the caller that starts the reload
 * at once, so a caller that comes after a quiet spell does not wait on the loader. Callers that come
 * while that reload runs wait for it, as they would without the window: a remembered value that may
 * be out of date answers one caller per reload, not every caller of the moment (for a secret, that is
 * what bounds how long a rotated value is still accepted). If the reload fails, or takes longer than
 * `staleWaitMs`, they too are answered with the remembered value, and the next caller tries again. Only
 * a value older than the window, or none, is waited for without a bound.
 */
export function ttlCache<T>(load: () => Promise<T>, ttlMs: number, clock: Clock, staleMs = 0, staleWaitMs = 1_000): TtlCache<T> {
  let value: { v: T; at: number } | undefined;
  let inflight: Promise<T> | undefined;
  // Bumped by invalidate(): a load started before it must not bring the forgotten value back.
  let generation = 0;
  const refresh = (): Promise<T> => {
    if (inflight) return inflight;
    const mine = generation;
    const running: Promise<T> = load().then(
      (v) => {
        if (mine === generation) value = { v, at: clock() };
        if (inflight === running) inflight = undefined;
        return v;
      },
      (e: unknown) => {
        if (inflight === running) inflight = undefined;
        throw e;
      },
    );
    inflight = running;
    return running;
  };
  const age = () => (value ? clock() - value.at : Infinity);
  const get = (async () => {
    if (value && age() < ttlMs) return value.v;
    if (value && age() < ttlMs + staleMs) {
      const remembered = value.v;
      if (inflight) return settleWithin(inflight, staleWaitMs, remembered);
      refresh().catch(() => undefined);
      return remembered;
    }
    return refresh();
  }) as TtlCache<T>;
  get.fresh = async () => (value && age() < ttlMs ? value.v : refresh());
  get.invalidate = () => {
    value = undefined;
    inflight = undefined;
    generation += 1;
  };
  return get;
}

/** What `running` brings, or `fallback` if it fails or has not answered within `ms`. */
function settleWithin<T>(running: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
    timer.unref?.();
  });
  return Promise.race([running.catch(() => fallback), late]).finally(() => clearTimeout(timer));
}
