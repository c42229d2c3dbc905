import type { AppDeps } from '../../functions/composition';
import { handleWebhook } from '../../functions/webhook/webhook.handler';
import { alertKey } from '../../shared/alert/idempotency-key';
import { planTag } from '../../shared/orders/order-tags';
import type { FakeFyers } from '../fake-fyers';
import { IN_WINDOW, WEBHOOK_SECRET, startSampleBridge, tickingClock, waitFor, type SampleBridge } from '../helpers/webhook-e2e-kit';
import { isolatedProject } from './helpers/e2e-project';

/**
 * Multi-leg alerts with the claims and the holdings in the real Firestore emulator, and two bridge
 * instances sharing it (two Cloud Run instances): resends that arrive while a structure is being
 * executed, and after, place nothing a second time.
 */
jest.setTimeout(120_000);

let bridge: SampleBridge | undefined;
let fake: FakeFyers;
let a: AppDeps;
let b: AppDeps;
let clock: ReturnType<typeof tickingClock>;

beforeAll(async () => {
  clock = tickingClock(IN_WINDOW);
  bridge = await startSampleBridge({ label: 'strategy', store: 'firestore', projectId: isolatedProject('strategy'), clock });
  ({ fake, deps: a } = bridge);
  b = await bridge.another();
  // Open both instances' Firestore channels first, as Cloud Run instances do at start.
  await Promise.all([a.warmUp(), b.warmUp(), a.adapters.holdings.get('warm', 'UP'), b.adapters.holdings.get('warm', 'UP')]);
});

afterAll(() => bridge?.close());

const send = (deps: AppDeps, body: Record<string, unknown>) =>
  handleWebhook(deps.webhook, { method: 'POST', rawBody: Buffer.from(JSON.stringify(body)), headers: {}, sourceIp: '127.0.0.1' });

const condor = [
  { optionType: 'PE', strike: 'ATM-4', action: 'BUY' },
  { optionType: 'PE', strike: 'ATM-2', action: 'SELL' },
  { optionType: 'CE', strike: 'ATM+2', action: 'SELL' },
  { optionType: 'CE', strike: 'ATM+4', action: 'BUY' },
];

describe('multi-leg exactly once on Firestore (emulator)', () => {
  it('resends to another instance during and after the execution place nothing twice', async () => {
    const body = { token: WEBHOOK_SECRET, symbol: 'NIFTY', strategy: 'fs-ic', legs: condor, qty: 1, idempotency_key: 'fs-ic-1' };
    // The second basket (the written legs) is slow to answer, so resends land while the structure is half built.
    fake.inject('multi-order', { kind: 'latency', ms: 600 }, 2);
    const first = send(a, body);
    await waitFor(() => fake.state.requests.some((r) => r.route === 'multi-order'), 60_000, 'the first basket');
    const during = await Promise.all(Array.from({ length: 8 }, (_, i) => send(i % 2 ? a : b, body)));
    const done = await first;
    const after = await Promise.all([send(b, body), send(a, body)]);

    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'accepted', lots: 4 });
    expect(during.map((r) => r.status).every((s) => s === 409 || s === 200)).toBe(true);
    expect(during.some((r) => r.status === 409)).toBe(true);
    expect(during.filter((r) => r.status === 200).every((r) => r.body.status === 'duplicate')).toBe(true);
    expect(after.map((r) => r.body.status)).toEqual(['duplicate', 'duplicate']);
    expect(after[0]!.body.legs).toEqual(done.body.legs);
    // Four legs, four orders, two baskets: not one more.
    expect(fake.state.orders).toHaveLength(4);
    expect(fake.state.requests.filter((r) => r.route === 'multi-order')).toHaveLength(2);
    const tags = fake.state.orders.map((o) => o.orderTag);
    expect(new Set(tags).size).toBe(4);

    const record = await b.adapters.idempotency.get(alertKey(body, 'fs-ic-1').key);
    expect(record?.result?.legs).toHaveLength(4);
    const holding = await b.adapters.holdings.get('fs-ic', 'NIFTY');
    expect(holding?.legs).toHaveLength(4);
    expect(holding?.applied).toEqual([record!.key]);
  });

  it('an answer lost on the way back is settled from the orderbook by tag, and a resend to the other instance books nothing twice', async () => {
    const body = { token: WEBHOOK_SECRET, symbol: 'NIFTY', strategy: 'fs-lost', legs: condor.slice(0, 2), qty: 1, idempotency_key: 'fs-lost-1' };
    const before = fake.state.orders.length;
    // Fyers takes the hedge basket but the answer is lost on the way back.
    fake.inject('place-order', { kind: 'reset', phase: 'after' }, 1);
    const res = await send(a, body);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('accepted');
    expect(fake.state.orders.length - before).toBe(2);
    const again = await send(b, body);
    expect(again.body.status).toBe('duplicate');
    expect(fake.state.orders.length - before).toBe(2);
    expect((await b.adapters.holdings.get('fs-lost', 'NIFTY'))?.legs.map((l) => l.qty)).toEqual([65, 65]);
  });

  it('an instance that died after the first basket is taken over: nothing is re-sent, the half-built structure is undone', async () => {
    const body = { token: WEBHOOK_SECRET, symbol: 'NIFTY', strategy: 'fs-crash', legs: condor, qty: 1, idempotency_key: 'fs-crash-1' };
    const key = alertKey(body, 'fs-crash-1').key;
    const now = clock();
    // The dead instance claimed the alert, sent its hedge basket (leg 0 and leg 3) and died: its lease has lapsed.
    const deadTag = 'tvdeadinstance0000000000';
    const claim = await a.adapters.idempotency.claim({ key, owner: 'dead:1', requestId: 'r-dead', orderTag: deadTag, nowMs: now - 120_000, leaseMs: 30_000, ttlMs: 3_600_000 });
    expect(claim.kind).toBe('claimed');
    const byStrike = (strike: number, opt: 'CE' | 'PE') => [...fake.state.instruments.keys()].find((t) => t.includes(`${strike}${opt}`) && t.startsWith('NSE:NIFTY26JUL'))!;
    await a.adapters.broker.placeOrder({ symbol: byStrike(24300, 'PE'), qty: 65, side: 'BUY', orderType: 'MARKET', productType: 'INTRADAY', orderTag: planTag(deadTag, 'open', 0) });
    await a.adapters.broker.placeOrder({ symbol: byStrike(24700, 'CE'), qty: 65, side: 'BUY', orderType: 'MARKET', productType: 'INTRADAY', orderTag: planTag(deadTag, 'open', 3) });
    const before = fake.state.orders.length;

    const res = await send(b, body);
    expect(res.status).toBe(422);
    const legs = res.body.legs as Array<Record<string, unknown>>;
    expect(legs.filter((l) => l.role === 'open').map((l) => `${l.leg} ${l.status} ${l.rolledBack ?? '-'}`)).toEqual([
      '0 filled exited', '1 not-sent -', '2 not-sent -', '3 filled exited',
    ]);
    // Only the two exits were sent: no leg of the structure went out a second time.
    expect(fake.state.orders.slice(before).map((o) => `${o.side === 1 ? 'BUY' : 'SELL'} ${o.symbol}`)).toEqual([
      `SELL ${byStrike(24300, 'PE')}`, `SELL ${byStrike(24700, 'CE')}`,
    ]);
    expect((await send(a, body)).body.status).toBe('duplicate');
    expect(fake.state.orders.length - before).toBe(2);
  });
});
