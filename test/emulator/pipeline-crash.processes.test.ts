import { Firestore } from '@google-cloud/firestore';
import { alertKey } from '../../shared/alert/idempotency-key';
import { createFirestoreIdempotencyStore } from '../../shared/store/firestore/idempotency.firestore';
import type { IdempotencyStore } from '../../shared/store/idempotency.port';
import type { FakeFyers } from '../fake-fyers';
import { alertBody, fakeFyersEnv, sampleContracts, startSampleFake, waitFor } from '../helpers/webhook-e2e-kit';
import { isolatedProject } from './helpers/e2e-project';
import { startPipelineProcess } from './helpers/pipeline-process';

/**
 * Crashes and lost answers around the one moment that matters: after Fyers has the order, before we
 * know it. Each webhook instance is its own OS process with its own deps; Firestore is the emulator;
 * one fake Fyers, run here, is the ground truth for how many orders exist.
 */
// Generous: OS processes start slowly on a busy machine; waits are for events, never latency assertions.
jest.setTimeout(240_000);

const LEASE_SECONDS = 5;

let fake: FakeFyers;
let db: Firestore;
let store: IdempotencyStore;
let baseEnv: Record<string, string>;
let expiryDate: string;

beforeAll(async () => {
  const projectId = isolatedProject('crash');
  const now = Date.now();
  fake = await startSampleFake(now);
  const { index } = sampleContracts(now);
  const expiry = index.optionExpiries('NSE', 'NIFTY', now + 86_400_000)[0]!;
  expiryDate = new Date(expiry * 1000 + 330 * 60_000).toISOString().slice(0, 10);
  baseEnv = fakeFyersEnv(fake, {
    STORE: 'firestore',
    GOOGLE_CLOUD_PROJECT: projectId,
    ENFORCE_TRADING_WINDOW: 'false',
    IDEMPOTENCY_LEASE_SECONDS: String(LEASE_SECONDS),
    LOG_LEVEL: 'ERROR',
  });
  // The same collections the bridge's stores use (no prefix): the project id is what isolates this file.
  db = new Firestore({ projectId });
  store = createFirestoreIdempotencyStore(db);
});

afterAll(async () => {
  await db?.terminate();
  // The fake keeps sleeping on a held reply after its client has gone; let it finish before closing.
  const lastOrderAt = Math.max(0, ...(fake?.state.orders.map((o) => o.placedAtMs) ?? []));
  await sleep(Math.max(0, lastOrderAt + longestHoldMs + 50 - Date.now()));
  await fake?.close();
});

/** Fyers records the next order at once and holds its answer for `ms`. */
let longestHoldMs = 0;
function holdNextPlaceReply(ms: number): void {
  longestHoldMs = Math.max(longestHoldMs, ms);
  fake.inject('place-order', { kind: 'latency', ms, phase: 'after' }, 1);
}

const placeRequests = () => fake.state.requests.filter((r) => r.route === 'place-order').length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('crash and timeout recovery across processes (Firestore emulator, one fake Fyers)', () => {
  it('a process killed after Fyers accepted the order: after the lease, another process finds it by tag and places nothing', async () => {
    const body = alertBody({ strikeprice: 24500, expiry: expiryDate, idempotency_key: 'crash-after-accept' });
    const key = alertKey(body, 'crash-after-accept').key;
    const env = { ...baseEnv, BROKER_TIMEOUT_MS: '2800' };
    const ordersBefore = fake.state.orders.length;
    const placesBefore = placeRequests();
    // The instance is waiting for Fyers' answer when it dies.
    holdNextPlaceReply(8000);

    const doomed = startPipelineProcess({ label: 'doomed', deliveries: [{ body }] }, env);
    // Start the next instances now, so their start-up overlaps the lease.
    const early = startPipelineProcess({ label: 'early', deliveries: [{ body }] }, env);
    const rescuer = startPipelineProcess({ label: 'rescuer', deliveries: [{ body }] }, env);
    await Promise.all([doomed.ready, early.ready]);
    doomed.go();
    await waitFor(() => fake.state.orders.length === ordersBefore + 1, 90_000, 'Fyers recording the order');
    doomed.child.kill('SIGKILL');
    expect((await doomed.exited).signal).toBe('SIGKILL');
    const order = fake.state.orders.at(-1)!;

    // The result was never recorded: the claim is still pending, owned by the dead instance.
    const orphan = await store.get(key);
    expect(orphan).toMatchObject({ status: 'pending', orderTag: order.orderTag.replace(/^1:/, '') });
    expect(orphan?.result).toBeUndefined();

    early.go();
    const earlyReply = (await early.report).replies[0]!;
    // Within the lease a retry must wait (409). A loaded machine may deliver it after the lease instead;
    // then it is the one that takes over, and the rescuer sees a duplicate. Either way, one order.
    const insideLease = earlyReply.sentAt < orphan!.leaseUntil;
    if (insideLease) expect(earlyReply).toMatchObject({ status: 409, body: { error: { code: 'IN_FLIGHT' } } });
    else expect(earlyReply).toMatchObject({ status: 200, body: { status: 'filled', orderId: order.id, recoveredBy: 'orderbook-tag' } });

    await rescuer.ready;
    await sleep(Math.max(0, orphan!.leaseUntil - Date.now() + 200));
    rescuer.go();
    const rescued = (await rescuer.report).replies[0]!;

    expect(rescued.status).toBe(200);
    if (insideLease) expect(rescued.body).toMatchObject({ status: 'filled', orderId: order.id, recoveredBy: 'orderbook-tag', qty: 65 });
    else expect(rescued.body).toMatchObject({ status: 'duplicate', orderId: order.id });
    expect(fake.state.orders).toHaveLength(ordersBefore + 1);
    expect(placeRequests()).toBe(placesBefore + 1);
    const record = await store.get(key);
    expect(record).toMatchObject({ status: 'placed', takeovers: 1, result: { orderId: order.id, recoveredBy: 'orderbook-tag' } });
  });

  it('a Fyers answer slower than BROKER_TIMEOUT_MS: placed by lookup, and a retry from another process places nothing new', async () => {
    const body = alertBody({ strikeprice: 24550, expiry: expiryDate, idempotency_key: 'timeout-found' });
    const env = { ...baseEnv, BROKER_TIMEOUT_MS: '800' };
    const ordersBefore = fake.state.orders.length;
    const placesBefore = placeRequests();
    holdNextPlaceReply(2500);

    const first = startPipelineProcess({ label: 'first', deliveries: [{ body }] }, env);
    const retry = startPipelineProcess({ label: 'retry', deliveries: [{ body }] }, env);
    await first.ready;
    first.go();
    const answer = (await first.report).replies[0]!;

    expect(fake.state.orders).toHaveLength(ordersBefore + 1);
    const order = fake.state.orders.at(-1)!;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'filled', orderId: order.id, recoveredBy: 'orderbook-tag' });

    await retry.ready;
    retry.go();
    const again = (await retry.report).replies[0]!;
    expect(again.body).toMatchObject({ status: 'duplicate', orderId: order.id });
    expect(fake.state.orders).toHaveLength(ordersBefore + 1);
    expect(placeRequests()).toBe(placesBefore + 1);
  });

  it('a timeout the orderbook cannot confirm yet: 202 unknown, and a later retry from another process finds the one order', async () => {
    const body = alertBody({ strikeprice: 24600, expiry: expiryDate, idempotency_key: 'timeout-unknown' });
    const key = alertKey(body, 'timeout-unknown').key;
    const env = { ...baseEnv, BROKER_TIMEOUT_MS: '800' };
    const ordersBefore = fake.state.orders.length;
    const placesBefore = placeRequests();
    holdNextPlaceReply(2500);
    fake.inject('orderbook', { kind: 'status', status: 503 });

    const first = startPipelineProcess({ label: 'first', deliveries: [{ body }] }, env);
    const retry = startPipelineProcess({ label: 'retry', deliveries: [{ body }] }, env);
    await first.ready;
    first.go();
    const answer = (await first.report).replies[0]!;
    fake.clearFaults();

    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ status: 'unknown', qty: 65 });
    expect(fake.state.orders).toHaveLength(ordersBefore + 1);
    expect(await store.get(key)).toMatchObject({ status: 'unknown' });

    await retry.ready;
    retry.go();
    const again = (await retry.report).replies[0]!;
    const order = fake.state.orders.at(-1)!;
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'filled', orderId: order.id, recoveredBy: 'orderbook-tag' });
    expect(fake.state.orders).toHaveLength(ordersBefore + 1);
    expect(placeRequests()).toBe(placesBefore + 1);
    expect(await store.get(key)).toMatchObject({ status: 'placed', result: { orderId: order.id } });
  });
});
