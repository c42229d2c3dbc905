/**
 * Fyers' documented REST limits (10 per second, 200 per minute, one bucket per app) as sliding windows.
 * Returns how long the caller must wait, or 0 when the request is admitted.
 */
export function createRateLimiter(limits: { perSecond: number; perMinute: number }, clock: () => number) {
  const hits: number[] = [];
  return (): number => {
    const now = clock();
    while (hits.length && hits[0]! <= now - 60_000) hits.shift();
    const lastSecond = hits.filter((t) => t > now - 1000);
    if (lastSecond.length >= limits.perSecond) return lastSecond[0]! + 1000 - now;
    if (hits.length >= limits.perMinute) return hits[0]! + 60_000 - now;
    hits.push(now);
    return 0;
  };
}
