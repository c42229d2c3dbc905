/**
 * A multi-leg strategy firing 30 alerts at 09:15 against a Fyers that enforces its documented limits
 * (10 requests/s, 200/min). The pacer must spread the calls so Fyers never says 429 and every alert
 * is placed exactly once, and it must hold at Fyers even when the process stalls: the bridge and the
 * fake share this process, and the first orders freeze it (busy loops), so calls already let go
 * arrive late and together. Pacing by when calls were let go, not by when they ended, fails here.
 */
import { nextMarketOpen, startFyersApp, type FyersApp } from '../helpers/fyers-app';
import { requireEmulators } from './helpers/emulator-env';

requireEmulators();

let app: FyersApp | undefined;
afterAll(async () => app?.close());

it('places a burst of 30 distinct alerts exactly once each, with no 429 from Fyers and every answer 200, across event-loop stalls', async () => {
  const a = (app = await startFyersApp({ startAt: nextMarketOpen(), env: { ENFORCE_TRADING_WINDOW: 'true' }, fake: { rateLimit: true } }));
  a.fake.inject('place-order', { kind: 'stall', ms: 400 }, 3);
  const legs = [-7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7].flatMap((n) =>
    (['CE', 'PE'] as const).map((optionType) => a.alert({ strikeprice: n === 0 ? 'ATM' : `ATM${n > 0 ? '+' : ''}${n}`, optionType, action: n % 2 ? 'SELL' : 'BUY' })),
  );
  expect(legs).toHaveLength(30);

  const answers = await Promise.all(legs.map((l) => a.post(l)));

  expect(answers.filter((r) => r.status !== 200).map((r) => ({ status: r.status, body: r.body }))).toEqual([]);
  expect(answers.every((r) => r.body.status === 'accepted')).toBe(true);
  const orders = a.fake.state.orders;
  expect(orders).toHaveLength(30);
  expect(new Set(orders.map((o) => o.symbol)).size).toBe(30);
  expect(new Set(answers.map((r) => r.body.orderId))).toEqual(new Set(orders.map((o) => o.id)));
  expect(a.orderCalls()).toBe(30);

  const limited = a.fake.state.requests.filter((r) => r.route !== undefined && r.route !== 'profile');
  expect(limited.filter((r) => r.status === 429)).toEqual([]);
  expect(limited.every((r) => r.status === 200)).toBe(true);
  // The same fact from arrival times on the one clock the bridge's pacer and the fake's rate limiter share
  // (not a stopwatch: a call arrives between its grant and its end on that clock, so this holds however
  // slow the machine is): no one-second window ever held more than Fyers allows.
  const times = limited.map((r) => r.at).sort((x, y) => x - y);
  const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
  expect(busiest).toBeLessThanOrEqual(10);
}, 120_000); // a loaded 2-core CI box needs far more than the ~5 s of pacing this takes on an idle one
