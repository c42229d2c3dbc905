import type { AppDeps } from '../../functions/composition';
import { alertKey } from '../../shared/alert/idempotency-key';
import type { Notification } from '../../shared/notify/notifier.port';
import type { FakeFyers } from '../fake-fyers';
import { IN_WINDOW, OPTION_LTP, alertBody, niftyOption, sampleContracts, startSampleBridge, type TickingClock } from '../helpers/webhook-e2e-kit';
import { postAlert } from '../helpers/webhook-client';
import { useWebhookServer } from '../helpers/webhook-test-server';

/**
 * The rules that keep a trader's account out of positions nobody asked for: a close never flips a
 * position, an interrupted untaggable order is never re-sent blind, and a caller without the secret
 * learns nothing about the alert format.
 */
const { index } = sampleContracts(IN_WINDOW);
const ATM = niftyOption(index, IN_WINDOW, 24500, 'CE');

const server = useWebhookServer();

async function start(): Promise<{ fake: FakeFyers; deps: AppDeps; clock: TickingClock; notes: Notification[] }> {
  const bridge = await startSampleBridge({ label: 'safety', optionLtps: { [ATM.ticker]: OPTION_LTP }, notifier: 'record', instance: true });
  server.onCleanup(bridge.close);
  return { fake: bridge.fake, deps: bridge.deps, clock: bridge.clock, notes: bridge.notes.sent };
}

const sells = (fake: FakeFyers) => fake.state.orders.filter((o) => o.side === -1);
const close = (key: string, over: Record<string, unknown> = {}) => alertBody({ action: 'SELL', strikeprice: 24500, intent: 'close', idempotency_key: key, ...over });

describe('reduce-only never flips a position', () => {
  it('two closes of a 1-lot long at the same moment: one sells, the other is refused as certain-not-sent and may retry', async () => {
    const { fake } = await start();
    fake.setPosition(ATM.ticker, 'INTRADAY', ATM.lotSize);
    const [a, b] = await Promise.all([postAlert(server.url(), close('exit-a')), postAlert(server.url(), close('exit-b'))]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 503]);
    const refused = a.status === 503 ? a : b;
    expect(refused.headers.get('retry-after')).not.toBeNull();
    expect(sells(fake)).toHaveLength(1);
    expect(fake.state.positions.get(`${ATM.ticker}-INTRADAY`)?.netQty).toBe(0);
  });

  it('a close still working at the exchange counts as closing: a second close after the settle time finds nothing left', async () => {
    const { fake, clock } = await start();
    fake.setPosition(ATM.ticker, 'INTRADAY', ATM.lotSize);
    const resting = await postAlert(server.url(), close('exit-limit', { orderType: 'LIMIT', price: 175 }));
    expect(resting.status).toBe(200);
    expect(fake.state.orders.at(-1)?.status).toBe(6); // pending: the position has not moved yet
    clock.set(clock() + 5_000);
    const second = await postAlert(server.url(), close('exit-market'));
    expect(second.status).toBe(422);
    expect(second.body.error?.code).toBe('RISK_REFUSED');
    expect(sells(fake)).toHaveLength(1);
  });
});

describe('a claim left without a tag (written before CO/BO were retired) is not re-sent blind', () => {
  it('an abandoned untagged claim cannot be looked up: it becomes unknown, is notified, and nothing is sent', async () => {
    const { fake, deps, clock, notes } = await start();
    const body = alertBody({ productType: 'CO', sl: 10, idempotency_key: 'co-entry-1' });
    // Another instance claimed this alert and died before recording anything.
    await deps.adapters.idempotency.claim({
      key: alertKey(body, 'co-entry-1').key,
      owner: 'dead-instance:req',
      requestId: 'req-dead',
      nowMs: clock(),
      leaseMs: 30_000,
      ttlMs: 86_400_000,
    });
    clock.set(clock() + 31_000);
    const r = await postAlert(server.url(), body);
    expect(r.status).toBe(202);
    expect(r.body.status).toBe('unknown');
    expect(fake.state.orders).toHaveLength(0);
    expect(notes.map((n) => n.kind)).toContain('order.unknown');
  });
});

describe('the daily order cap', () => {
  it('gives the slot back when the order was certainly not sent, so the resend is not refused by the cap', async () => {
    const { fake, deps, clock } = await start();
    await deps.adapters.controls.update({ dailyOrderCap: 1 }, 'test', clock());
    fake.inject('place-order', { kind: 'rate-limited', retryAfterMs: 5_000 }, 1);
    const first = await postAlert(server.url(), alertBody({ idempotency_key: 'capped-1' }));
    expect(first.status).toBe(503);
    expect(fake.state.orders).toHaveLength(0);
    const resend = await postAlert(server.url(), alertBody({ idempotency_key: 'capped-1' }));
    expect(resend.status).toBe(200);
    expect(fake.state.orders).toHaveLength(1);
    const another = await postAlert(server.url(), alertBody({ idempotency_key: 'capped-2' }));
    expect(another.status).toBe(422);
  });
});

describe('what a caller without the secret is told', () => {
  it('a wrong token gets 401 even when the rest of the body is invalid, and no schema details', async () => {
    const { fake } = await start();
    const r = await postAlert(server.url(), { token: 'guess', symbol: 'NIFTY', stoploss: 5, qty: 'lots' });
    expect(r.status).toBe(401);
    expect(r.body.error?.fields).toBeUndefined();
    expect(JSON.stringify(r.body)).not.toMatch(/stoploss|strikeprice|optionType/);
    expect(fake.state.requests).toHaveLength(0);
  });

  it('a refusal about one field names it in error.fields, like a 400 does', async () => {
    await start();
    const r = await postAlert(server.url(), alertBody({ qty: 500 }));
    expect(r.status).toBe(422);
    expect(Object.keys(r.body.error?.fields ?? {})).toEqual(['qty']);
  });
});
