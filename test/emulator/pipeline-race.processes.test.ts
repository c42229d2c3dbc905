import type { FakeFyers } from '../fake-fyers';
import { alertBody, fakeFyersEnv, sampleContracts, startSampleFake } from '../helpers/webhook-e2e-kit';
import { isolatedProject } from './helpers/e2e-project';
import { runTogether } from './helpers/pipeline-process';
import type { DeliveryReply } from './workers/pipeline-protocol';

/**
 * The whole pipeline racing across separate OS processes, as several Cloud Run instances would: each
 * worker builds its own deps (own Firestore client, pacer, breaker) from env, and all of them talk to
 * the Firestore emulator and to ONE fake Fyers run by this test, which counts the orders.
 * The fake's rate limit is off: each process paces itself at 8/s, and two of them together exceed
 * Fyers' 10/s, which production avoids by running the webhook as a single instance.
 */
jest.setTimeout(60_000);

let fake: FakeFyers;
let env: Record<string, string>;
let expiryDate: string;

beforeAll(async () => {
  const projectId = isolatedProject('race');
  const now = Date.now();
  fake = await startSampleFake(now);
  // A listed expiry at least a day away, so no contract expires while the test runs.
  const { index } = sampleContracts(now);
  const expiry = index.optionExpiries('NSE', 'NIFTY', now + 86_400_000)[0]!;
  expiryDate = new Date(expiry * 1000 + 330 * 60_000).toISOString().slice(0, 10);
  env = fakeFyersEnv(fake, {
    STORE: 'firestore',
    GOOGLE_CLOUD_PROJECT: projectId,
    ENFORCE_TRADING_WINDOW: 'false',
    LOG_LEVEL: 'ERROR',
  });
});

afterAll(() => fake?.close());

const no5xx = (replies: DeliveryReply[]) => replies.filter((r) => r.status >= 500).map((r) => r.body);

describe('the pipeline across processes (Firestore emulator, one fake Fyers)', () => {
  it('places exactly one order for 100 concurrent deliveries of one alert from two processes', async () => {
    const body = alertBody({ strikeprice: 24500, expiry: expiryDate, qty: 2 });
    const deliveries = Array.from({ length: 50 }, () => ({ body }));
    const reports = await runTogether([{ label: 'p1', deliveries }, { label: 'p2', deliveries }], env);

    expect(new Set(reports.map((r) => r.pid)).size).toBe(2);
    const replies = reports.flatMap((r) => r.replies);
    expect(replies).toHaveLength(100);
    expect(no5xx(replies)).toEqual([]);
    const placed = replies.filter((r) => r.body.status === 'accepted');
    expect(placed).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409 || r.body.status === 'duplicate')).toHaveLength(99);
    expect(replies.filter((r) => r.body.status === 'duplicate').every((r) => r.body.orderId === placed[0]!.body.orderId)).toBe(true);

    expect(fake.state.orders).toHaveLength(1);
    expect(fake.state.orders[0]).toMatchObject({ id: placed[0]!.body.orderId, qty: 130, orderTag: `1:${String(placed[0]!.body.orderTag)}` });
  });

  it('places 100 orders, one each, for 100 distinct alerts that both processes receive at once', async () => {
    const before = fake.state.orders.length;
    const deliveries = Array.from({ length: 100 }, (_, i) => ({
      body: alertBody({ strikeprice: 24000 + 50 * (i % 20), optionType: i % 2 ? 'PE' : 'CE', expiry: expiryDate, idempotency_key: `distinct-${i}` }),
    }));
    const reports = await runTogether([{ label: 'p1', deliveries }, { label: 'p2', deliveries }], env);

    const replies = reports.flatMap((r) => r.replies);
    expect(replies).toHaveLength(200);
    expect(no5xx(replies)).toEqual([]);
    // Delivery i went to both processes: exactly one of the two placed it.
    for (let i = 0; i < 100; i++) {
      const pair = reports.map((r) => r.replies[i]!);
      expect(pair.filter((r) => r.body.status === 'accepted')).toHaveLength(1);
      expect(pair.every((r) => r.body.status === 'accepted' || r.body.status === 'duplicate' || r.status === 409)).toBe(true);
    }
    const orders = fake.state.orders.slice(before);
    expect(orders).toHaveLength(100);
    expect(new Set(orders.map((o) => o.orderTag)).size).toBe(100);
    const placedIds = replies.filter((r) => r.body.status === 'accepted').map((r) => r.body.orderId);
    expect(new Set(placedIds)).toEqual(new Set(orders.map((o) => o.id)));
  });
});
