/**
 * The circuit breaker as TradingView and the operator see it: after five consecutive Fyers failures
 * alerts are refused at once (nothing reaches Fyers), readyz says why, and once the open period has
 * passed one probe closes the breaker and alerts trade again.
 */
import { startFyersApp, type FyersApp } from '../helpers/fyers-app';
import { requireEmulators } from './helpers/emulator-env';

requireEmulators();

let app: FyersApp | undefined;
afterAll(async () => app?.close());

const circuitOf = async (a: FyersApp) => {
  const r = await a.get('/readyz');
  return { status: r.status, circuit: (r.body.checks as Record<string, Record<string, unknown>>).brokerCircuit! };
};

it('opens after repeated failures, refuses fast without calling Fyers, reports it, and closes after a successful probe', async () => {
  const a = (app = await startFyersApp());
  // ATM alerts need the underlying's quote before the order, so a failing quote refuses them with
  // certainty that nothing was sent. (A named-strike MARKET order leaves without waiting for a quote;
  // had it met the resets itself, its outcome would be unknown, not refused.)
  a.fake.inject('quotes', { kind: 'reset' }, 5);

  for (let i = 0; i < 5; i++) {
    const r = await a.post(a.alert({ strikeprice: 'ATM', idempotency_key: `failing-${i}` }));
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ error: { code: 'BROKER_UNAVAILABLE' } });
  }
  expect(a.notifications.filter((n) => n.kind === 'broker.circuit_open')).toHaveLength(1);
  const open = await circuitOf(a);
  expect(open.status).toBe(503);
  expect(open.circuit).toMatchObject({ ok: false, state: 'open', consecutiveFailures: 5 });

  // Fyers is healthy again, but the breaker does not know yet: refusals are immediate and local.
  const seen = a.fake.state.requests.filter((r) => r.route !== 'profile').length;
  const granted = ((await circuitOf(a)).circuit.pacing as { granted: number }).granted;
  for (let i = 0; i < 5; i++) {
    const r = await a.post(a.alert({ strikeprice: 24_000 + 50 * i }));
    expect(r.status).toBe(503);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(1);
    expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(30);
  }
  // "At once" as a fact, not a stopwatch: no request reached Fyers and the pacer let nothing through, so
  // no refusal waited on the network or on a slot. (How fast that is lives in `npm run bench`.)
  expect(((await circuitOf(a)).circuit.pacing as { granted: number }).granted).toBe(granted);
  expect(a.fake.state.requests.filter((r) => r.route !== 'profile').length).toBe(seen);
  expect(a.orderCalls()).toBe(0);

  a.clock.advance(30_001);
  expect((await circuitOf(a)).circuit).toMatchObject({ ok: true, state: 'half-open' });

  const probe = await a.post(a.alert({ strikeprice: 24_700 }));
  expect(probe.status).toBe(200);
  expect(probe.body.status).toBe('accepted');
  const closed = await circuitOf(a);
  expect(closed.circuit).toMatchObject({ ok: true, state: 'closed', consecutiveFailures: 0 });
  expect(closed.status).toBe(200);

  const next = await a.post(a.alert({ strikeprice: 24_750 }));
  expect(next.status).toBe(200);
  expect(a.fake.state.orders).toHaveLength(2);
});
