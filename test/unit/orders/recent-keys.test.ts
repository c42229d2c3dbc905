import { createRecentKeys } from '../../../shared/orders/recent-keys';
import { manualClock } from '../../../shared/platform/clock';

it('remembers keys for the TTL and at most `max` of them, oldest forgotten first', () => {
  const clock = manualClock(0);
  const keys = createRecentKeys({ clock, ttlMs: 1000, max: 2 });
  keys.add('a');
  expect(keys.has('a')).toBe(true);
  expect(keys.has('b')).toBe(false);
  keys.add('b');
  keys.add('c');
  expect(keys.has('a')).toBe(false);
  expect(keys.has('c')).toBe(true);
  clock.advance(1000);
  expect(keys.has('c')).toBe(false);
});
