import { manualClock } from '../../../shared/platform/clock';
import { createAttemptLimiter } from '../../../functions/operator-attempts';

const MIN = 60_000;

describe('operator key attempt limiter', () => {
  it('allows five failures, then locks for a minute, doubling with each further failure', () => {
    const clock = manualClock(0);
    const l = createAttemptLimiter({ clock });
    for (let i = 0; i < 4; i++) {
      l.failed('1.2.3.4');
      expect(l.check('1.2.3.4')).toEqual({ allowed: true });
    }
    l.failed('1.2.3.4');
    expect(l.check('1.2.3.4')).toEqual({ allowed: false, retryAfterMs: MIN });
    clock.advance(MIN);
    expect(l.check('1.2.3.4')).toEqual({ allowed: true });
    l.failed('1.2.3.4');
    expect(l.check('1.2.3.4')).toEqual({ allowed: false, retryAfterMs: 2 * MIN });
    clock.advance(2 * MIN);
    l.failed('1.2.3.4');
    expect(l.check('1.2.3.4')).toEqual({ allowed: false, retryAfterMs: 4 * MIN });
  });

  it('never locks longer than the cap, and keeps sources apart', () => {
    const clock = manualClock(0);
    const l = createAttemptLimiter({ clock, maxLockMs: 10 * MIN });
    for (let i = 0; i < 20; i++) l.failed('a');
    expect(l.check('a')).toEqual({ allowed: false, retryAfterMs: 10 * MIN });
    expect(l.check('b')).toEqual({ allowed: true });
  });

  it('a success clears the source', () => {
    const l = createAttemptLimiter({ clock: manualClock(0) });
    for (let i = 0; i < 4; i++) l.failed('a');
    l.succeeded('a');
    l.failed('a');
    expect(l.check('a')).toEqual({ allowed: true });
  });

  it('forgets the oldest sources beyond its bound', () => {
    const l = createAttemptLimiter({ clock: manualClock(0), freeAttempts: 1, maxSources: 2 });
    l.failed('a');
    l.failed('b');
    l.failed('c');
    expect(l.check('a')).toEqual({ allowed: true });
    expect(l.check('c').allowed).toBe(false);
  });
});
