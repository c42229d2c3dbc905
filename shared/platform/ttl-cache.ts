import type { Clock } from './clock';

/**
 * Memoises an async loader for `ttlMs`. Concurrent callers share one in-flight load, and a failed
 * load is not cached, so a blip does not pin an error for the whole TTL.
 */
export function ttlCache<T>(load: () => Promise<T>, ttlMs: number, clock: Clock): (() => Promise<T>) & { invalidate(): void } {
  let value: { v: T; at: number } | undefined;
  let inflight: Promise<T> | undefined;
  const get = (async () => {
    if (value && clock() - value.at < ttlMs) return value.v;
    inflight ??= load().then(
      (v) => {
        value = { v, at: clock() };
        inflight = undefined;
        return v;
      },
      (e: unknown) => {
        inflight = undefined;
        throw e;
      },
    );
    return inflight;
  }) as (() => Promise<T>) & { invalidate(): void };
  get.invalidate = () => {
    value = undefined;
  };
  return get;
}
