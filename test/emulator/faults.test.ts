/**
 * What TradingView hears, what Fyers receives, what is recorded and who is told, when Fyers misbehaves.
 * The whole product runs as deployed (Functions Framework, composition root, Firestore on the emulator)
 * against the fake Fyers server with one fault injected per scenario; a TradingView-style resend of
 * the identical alert follows each, and Fyers must never hold more than one order for it.
 */
import { alertKey } from '../../shared/alert/idempotency-key';
import { istParts } from '../../shared/platform/ist';
import type { AuditEntry } from '../../shared/store/audit.port';
import { startFyersApp, type FyersApp } from '../helpers/fyers-app';
import { eventually } from '../integration/fyers/fyers-test-kit';
import { requireEmulators } from './helpers/emulator-env';

requireEmulators();

let app: FyersApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const start = async (env: Record<string, string> = {}) => {
  app = await startFyersApp({ env });
  return app;
};

async function auditOf(a: FyersApp, requestId: unknown): Promise<AuditEntry | undefined> {
  const entries = await a.deps.adapters.audit.list({ day: istParts(a.clock()).date, limit: 50 });
  return entries.find((e) => e.requestId === requestId);
}

/** The stored claim for the alert, keyed as TradingView resends would be (the body without the token). */
const recordOf = (a: FyersApp, alert: Record<string, unknown>) => a.deps.adapters.idempotency.get(alertKey(alert).key);

const kinds = (a: FyersApp) => a.notifications.map((n) => n.kind);

describe('Fyers answers too slowly (past BROKER_TIMEOUT_MS) but takes the order', () => {
  it('finds the order by its tag, answers placed within TradingView\'s 3 s, and a resend places nothing more', async () => {
    const a = await start({ BROKER_TIMEOUT_MS: '300' });
    a.fake.inject('place-order', { kind: 'latency', ms: 1000, phase: 'after' }, 1);
    const alert = a.alert();

    const first = await a.post(alert);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'filled', recoveredBy: 'orderbook-tag', orderId: a.fake.state.orders[0]!.id });
    // recoveredBy proves the bridge stopped waiting at its timeout (a full wait would have read the reply).
    expect(a.fake.state.orders).toHaveLength(1);
    expect((await recordOf(a, alert))?.status).toBe('placed');
    expect(await auditOf(a, first.body.requestId)).toMatchObject({ status: 'placed', httpStatus: 200 });
    expect(kinds(a)).not.toContain('order.unknown');

    const resend = await a.post(alert);
    expect(resend.status).toBe(200);
    expect(resend.body).toMatchObject({ status: 'duplicate', originalStatus: 'filled', orderId: first.body.orderId });
    expect(a.fake.state.orders).toHaveLength(1);
    expect(a.orderCalls()).toBe(1);
  });
});

describe('the connection is reset while the order is in flight', () => {
  it('answers 202 unknown, records unknown, alerts the operator, and a resend never sends it again', async () => {
    const a = await start();
    a.fake.inject('place-order', { kind: 'reset' }, 1);
    const alert = a.alert();

    const first = await a.post(alert);
    expect(first.status).toBe(202);
    expect(first.body.status).toBe('unknown');
    expect(a.fake.state.orders).toHaveLength(0);
    const record = await recordOf(a, alert);
    expect(record?.status).toBe('unknown');
    expect(await auditOf(a, first.body.requestId)).toMatchObject({ status: 'unknown', httpStatus: 202 });
    const alarm = a.notifications.find((n) => n.kind === 'order.unknown');
    expect(alarm).toMatchObject({ severity: 'critical', requestId: first.body.requestId, details: { orderTag: record?.orderTag } });

    const resend = await a.post(alert);
    expect(resend.status).toBe(202);
    expect(resend.body.status).toBe('unknown');
    expect(a.orderCalls()).toBe(1);
    expect(a.fake.state.orders).toHaveLength(0);
  });
});

describe('Fyers answers 5xx', () => {
  it('before taking the order: 202 unknown, nothing placed, and a resend does not place it', async () => {
    const a = await start();
    a.fake.inject('place-order', { kind: 'status', status: 500, body: { s: 'error', message: 'Internal Server Error' } }, 1);
    const alert = a.alert();

    const first = await a.post(alert);
    expect(first.status).toBe(202);
    expect((await recordOf(a, alert))?.status).toBe('unknown');
    expect(await auditOf(a, first.body.requestId)).toMatchObject({ status: 'unknown', httpStatus: 202 });
    expect(kinds(a)).toContain('order.unknown');

    expect((await a.post(alert)).status).toBe(202);
    expect(a.orderCalls()).toBe(1);
    expect(a.fake.state.orders).toHaveLength(0);
  });

  it('after taking the order: the orderbook shows it, so the answer is placed with exactly one order', async () => {
    const a = await start();
    a.fake.inject('place-order', { kind: 'status', status: 503, phase: 'after' }, 1);
    const alert = a.alert();

    const first = await a.post(alert);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'filled', recoveredBy: 'orderbook-tag' });
    expect((await recordOf(a, alert))?.status).toBe('placed');
    expect(kinds(a)).not.toContain('order.unknown');

    expect((await a.post(alert)).body.status).toBe('duplicate');
    expect(a.fake.state.orders).toHaveLength(1);
  });
});

describe('Fyers rate-limits the placement (429 with Retry-After)', () => {
  it('retries once when Retry-After fits the budget, and places exactly one order', async () => {
    const a = await start();
    a.fake.inject('place-order', { kind: 'rate-limited', retryAfterMs: 400 }, 1);
    const alert = a.alert();

    const first = await a.post(alert);
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('accepted');
    // The pause is measured on the clock the bridge and the fake share: the retry reached Fyers no
    // sooner than Retry-After allowed, however busy the machine.
    const places = a.fake.state.requests.filter((r) => r.route === 'place-order');
    expect(places).toHaveLength(2);
    expect(places[1]!.at - places[0]!.at).toBeGreaterThanOrEqual(400);
    expect(first.clockMs).toBeGreaterThanOrEqual(400);
    expect(a.orderCalls()).toBe(2);
    expect(a.fake.state.orders).toHaveLength(1);
    expect((await recordOf(a, alert))?.status).toBe('placed');
    expect(await auditOf(a, first.body.requestId)).toMatchObject({ status: 'placed', httpStatus: 200 });
    expect(a.notifications).toHaveLength(0);
  });

  it('answers 503 with Retry-After when the wait would not fit, frees the alert, and the resend places it once', async () => {
    const a = await start();
    a.fake.inject('place-order', { kind: 'rate-limited', retryAfterMs: 5000 }, 1);
    const alert = a.alert();

    const first = await a.post(alert);
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('5');
    expect(first.body).toMatchObject({ status: 'error', error: { code: 'BROKER_UNAVAILABLE' } });
    // It did not wait out the 5 s: no second placement was attempted before answering.
    expect(a.orderCalls()).toBe(1);
    expect(a.fake.state.orders).toHaveLength(0);
    expect(await recordOf(a, alert)).toBeUndefined();
    expect(await auditOf(a, first.body.requestId)).toMatchObject({ status: 'broker_unavailable', httpStatus: 503, errorCode: 'BROKER_UNAVAILABLE' });
    expect(a.notifications).toHaveLength(0);

    // TradingView retries after Retry-After; the pacer honours the same pause.
    a.clock.advance(5500);
    const resend = await a.post(alert);
    expect(resend.status).toBe(200);
    expect(resend.body.status).toBe('accepted');
    expect(a.fake.state.orders).toHaveLength(1);
    expect(a.orderCalls()).toBe(2);
  });
});

describe('the session dies while the order is on its way', () => {
  it('answers 503 (nothing placed), tells the operator once, and refuses the resend without calling Fyers', async () => {
    const a = await start();
    // Hold the order call long enough to kill the token once it has reached Fyers.
    a.fake.inject('place-order', { kind: 'latency', ms: 300 }, 1);
    const alert = a.alert();

    const pending = a.post(alert);
    await eventually(() => a.orderCalls() === 1);
    a.fake.killTokens();
    const first = await pending;

    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).not.toBeNull();
    expect(first.body).toMatchObject({ error: { code: 'SESSION_EXPIRED' } });
    expect(a.fake.state.orders).toHaveLength(0);
    expect(await recordOf(a, alert)).toBeUndefined();
    expect(await auditOf(a, first.body.requestId)).toMatchObject({ status: 'session_expired', httpStatus: 503 });
    expect(kinds(a).filter((k) => k === 'session.expired')).toHaveLength(1);

    const requestsBefore = a.fake.state.requests.length;
    const resend = await a.post(alert);
    expect(resend.status).toBe(503);
    expect(resend.body).toMatchObject({ error: { code: 'SESSION_EXPIRED' } });
    expect(a.fake.state.requests.length).toBe(requestsBefore);
    expect(kinds(a).filter((k) => k === 'session.expired')).toHaveLength(1);
  });
});

describe('Fyers answers code 201 (sent, no acknowledgement)', () => {
  it('looks the order up, answers placed, and the resend is a duplicate', async () => {
    const a = await start();
    a.fake.inject('place-order', { kind: 'no-ack' }, 1);
    const alert = a.alert();

    const first = await a.post(alert);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'filled', recoveredBy: 'orderbook-tag', orderId: a.fake.state.orders[0]!.id });
    expect((await recordOf(a, alert))?.status).toBe('placed');
    expect(await auditOf(a, first.body.requestId)).toMatchObject({ status: 'placed', httpStatus: 200 });

    expect((await a.post(alert)).body.status).toBe('duplicate');
    expect(a.fake.state.orders).toHaveLength(1);
    expect(a.orderCalls()).toBe(1);
  });

  it('when the orderbook cannot be read either: 202 unknown, and the resend recovers the order instead of sending it again', async () => {
    const a = await start();
    a.fake.inject('place-order', { kind: 'no-ack' }, 1);
    a.fake.inject('orderbook', { kind: 'reset' }, 1);
    const alert = a.alert();

    const first = await a.post(alert);
    expect(first.status).toBe(202);
    expect(first.body.status).toBe('unknown');
    expect((await recordOf(a, alert))?.status).toBe('unknown');
    expect(kinds(a)).toEqual(['order.unknown']);

    const resend = await a.post(alert);
    expect(resend.status).toBe(200);
    expect(resend.body).toMatchObject({ status: 'filled', orderId: a.fake.state.orders[0]!.id, recoveredBy: 'orderbook-tag' });
    expect((await recordOf(a, alert))?.status).toBe('placed');
    // The record the first attempt kept by the tag takes the order (one record, one set of exits), so
    // it resolves at once and says so, beside the alert's own recovery notice.
    expect(kinds(a)).toEqual(['order.unknown', 'order.resolved', 'order.recovered']);
    expect((await a.deps.adapters.orderRecords.listCreatedBetween(0, Number.MAX_SAFE_INTEGER)).map((r) => `${r.id} ${r.orderId} ${r.state}`)).toEqual([
      expect.stringMatching(new RegExp(`^tag-\\w+ ${a.fake.state.orders[0]!.id} filled$`)),
    ]);
    expect(a.fake.state.orders).toHaveLength(1);
    expect(a.orderCalls()).toBe(1);
  });
});

describe('Fyers takes the order but the response is lost', () => {
  it('recovers the order id from the orderbook, answers placed, and the resend is a duplicate', async () => {
    const a = await start();
    a.fake.inject('place-order', { kind: 'reset', phase: 'after' }, 1);
    const alert = a.alert();

    const first = await a.post(alert);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'filled', orderId: a.fake.state.orders[0]!.id, recoveredBy: 'orderbook-tag' });
    expect(await auditOf(a, first.body.requestId)).toMatchObject({ status: 'placed', httpStatus: 200 });
    expect(kinds(a)).not.toContain('order.unknown');

    const resend = await a.post(alert);
    expect(resend.body).toMatchObject({ status: 'duplicate', orderId: first.body.orderId });
    expect(a.fake.state.orders).toHaveLength(1);
    expect(a.orderCalls()).toBe(1);
  });
});
