/** Milliseconds since the epoch. Domain code takes a Clock instead of calling Date.now(), so tests can pin time. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** A clock tests can move by hand. */
export function manualClock(startMs: number): Clock & { set(ms: number): void; advance(ms: number): void } {
  let now = startMs;
  const clock = (() => now) as Clock & { set(ms: number): void; advance(ms: number): void };
  clock.set = (ms) => { now = ms; };
  clock.advance = (ms) => { now += ms; };
  return clock;
}
