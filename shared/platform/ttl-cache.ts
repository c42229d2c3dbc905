import type { Clock } from './clock';

export type TtlCache<T> = (() => Promise<T>) & {
  /** A value no older than the TTL: the remembered one if it is, else a load (shared, as for a get). */
  fresh(): Promise<T>;
  invalidate(): void;
};

/**
 * Memoises an async loader for `ttlMs`. Concurrent callers share one in-flight load, and a failed
 * load is not cached, so a blip does not pin an error for the whole TTL.
 *
 * With `staleMs`, a value less than `staleMs` past its TTL is still answered at once while one load
 * refreshes it in the background, so a caller that comes after a quiet spell does not wait on the
 * loader; a failed refresh keeps the value, and the next caller tries again. Only a value older than
 * that, or none, is waited for.
 */
export function ttlCache<T>(load: () => Promise<T>, ttlMs: number, clock: Clock, staleMs = 0): TtlCache<T> {
  let value: { v: T; at: number } | undefined;
  let inflight: Promise<T> | undefined;
  const refresh = (): Promise<T> =>
    (inflight ??= load().then(
      (v) => {
        value = { v, at: clock() };
        inflight = undefined;
        return v;
      },
      (e: unknown) => {
        inflight = undefined;
        throw e;
      },
    ));
  const age = () => (value ? clock() - value.at : Infinity);
  const get = (async () => {
    if (value && age() < ttlMs) return value.v;
    if (value && age() < ttlMs + staleMs) {
      refresh().catch(() => undefined);
      return value.v;
    }
    return refresh();
  }) as TtlCache<T>;
  get.fresh = async () => (value && age() < ttlMs ? value.v : refresh());
  get.invalidate = () => {
    value = undefined;
  };
  return get;
}
