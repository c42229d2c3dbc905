import { createDrain, paceBehind } from '../../../functions/drain';

/** Issue 22: a symbol index swap goes in steps that wait while alerts are in flight. */
const settled = async <T>(p: Promise<T>) => {
  let done = false;
  void p.then(() => (done = true));
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  return done;
};

it('lets a step go at once when no alert is in flight, and holds it while one is, until it ends', async () => {
  const drain = createDrain();
  const pace = paceBehind(drain, 60_000);
  expect(await settled(pace())).toBe(true);
  const release = drain.enter()!;
  const held = pace();
  expect(await settled(held)).toBe(false);
  release();
  expect(await settled(held)).toBe(true);
});
