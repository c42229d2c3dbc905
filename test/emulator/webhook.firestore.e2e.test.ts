import type { Server } from 'node:http';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import '../../functions/index';
import type { AppDeps } from '../../functions/composition';
import { alertKey } from '../../shared/alert/idempotency-key';
import type { FakeFyers } from '../fake-fyers';
import { IN_WINDOW, OPTION_LTP, alertBody, niftyOption, sampleContracts, startSampleBridge, type SampleBridge } from '../helpers/webhook-e2e-kit';
import { listen, postAlert } from '../helpers/webhook-client';
import { isolatedProject } from './helpers/e2e-project';

/**
 * The core webhook cases with STORE=firestore: the same HTTP entry point and composition root as in
 * production, the claims and results going through the real Firestore emulator.
 */
jest.setTimeout(60_000);

const { index } = sampleContracts(IN_WINDOW);
const ATM = niftyOption(index, IN_WINDOW, 24500, 'CE');

let url: string;
let closeServer: () => Promise<void>;
let bridge: SampleBridge | undefined;
let fake: FakeFyers;
let deps: AppDeps;

beforeAll(async () => {
  bridge = await startSampleBridge({ label: 'webhook', store: 'firestore', projectId: isolatedProject('webhook'), optionLtps: { [ATM.ticker]: OPTION_LTP }, instance: true });
  expect(bridge.config.store).toBe('firestore');
  ({ fake, deps } = bridge);
  ({ url, close: closeServer } = await listen(getTestServer('webhook') as Server));
});

afterAll(async () => {
  await closeServer?.();
  await bridge?.close();
});

const placeRequests = () => fake.state.requests.filter((r) => r.route === 'place-order').length;

describe('webhook end to end with the Firestore store (emulator)', () => {
  it('places the order and records the result in Firestore under the alert key', async () => {
    const body = alertBody({ idempotency_key: 'fs-placed-1', qty: 2 });
    const res = await postAlert(url, body);

    expect(res.status).toBe(200);
    // The reply's price costs no broker call: none of this option was quoted within the last second.
    expect(res.body).toMatchObject({ status: 'accepted', symbol: ATM.ticker, qty: 130, ltp: null });
    const order = fake.state.orders.find((o) => o.id === res.body.orderId);
    expect(order?.body).toMatchObject({ symbol: ATM.ticker, qty: 130, type: 2, side: 1, productType: 'INTRADAY', orderTag: res.body.orderTag });

    const record = await deps.adapters.idempotency.get(alertKey(body, 'fs-placed-1').key);
    expect(record).toMatchObject({ status: 'placed', orderTag: res.body.orderTag, result: { orderId: res.body.orderId, status: 'placed' } });
  });

  it('answers a replay from the stored result and sends nothing to Fyers', async () => {
    const body = alertBody({ idempotency_key: 'fs-dup-1' });
    const first = await postAlert(url, body);
    const ordersBefore = fake.state.orders.length;
    const placesBefore = placeRequests();
    const again = await postAlert(url, body, { contentType: 'application/json' });

    expect(first.body.status).toBe('accepted');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'duplicate', originalStatus: 'accepted', orderId: first.body.orderId, originalRequestId: first.body.requestId });
    expect(fake.state.orders).toHaveLength(ordersBefore);
    expect(placeRequests()).toBe(placesBefore);
  });

  it('places exactly one order for 50 concurrent copies of one alert, never answering 5xx', async () => {
    fake.inject('place-order', { kind: 'latency', ms: 300 }, 1);
    const body = alertBody({ strikeprice: 24500, idempotency_key: 'fs-burst-1' });
    const before = fake.state.orders.length;
    const answers = await Promise.all(Array.from({ length: 50 }, () => postAlert(url, body)));

    expect(answers.filter((a) => a.status >= 500).map((a) => a.body)).toEqual([]);
    const placed = answers.filter((a) => a.body.status === 'accepted');
    expect(placed).toHaveLength(1);
    const others = answers.filter((a) => a !== placed[0]);
    expect(others.every((a) => a.status === 409 || (a.status === 200 && a.body.status === 'duplicate'))).toBe(true);
    expect(others.filter((a) => a.body.status === 'duplicate').every((a) => a.body.orderId === placed[0]!.body.orderId)).toBe(true);
    expect(fake.state.orders.length - before).toBe(1);
  });
});
