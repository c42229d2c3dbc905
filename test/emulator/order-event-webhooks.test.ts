/**
 * Outbound order-event webhooks end to end on the emulators: registered through controls (SSRF guard),
 * published to a real Pub/Sub topic, pushed by the emulator to the delivery handler, received signed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { handleWebhookRegistrations, type WebhookRegistrationDeps } from '../../functions/controls/webhook-registrations';
import { handleOrderEventWebhooks } from '../../functions/order-events/order-event-webhooks.handler';
import { createPubSubOrderEventPublisher } from '../../shared/notify/order-events.pubsub';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhook, verifyWebhook } from '../../shared/notify/webhook-signature';
import { orderEventFor } from '../../shared/orders/lifecycle/order-event';
import { createLogger } from '../../shared/platform/logger';
import { createFirestoreWebhookSubscriptionStore } from '../../shared/store/firestore/webhook-subscriptions.firestore';
import { requireEmulators, uniquePrefix } from './helpers/emulator-env';
import { waitUntil } from './helpers/order-events-sink';

jest.setTimeout(90_000);

const servers: Server[] = [];
let db: Firestore;
let pubsub: PubSub;
beforeAll(() => {
  const { projectId } = requireEmulators();
  db = new Firestore({ projectId });
  pubsub = new PubSub({ projectId });
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await db.terminate();
  await pubsub.close();
});

async function listen(handler: (body: string, headers: Record<string, string | string[] | undefined>) => Promise<number> | number): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => void Promise.resolve(handler(body, req.headers)).then((status) => res.writeHead(status).end()));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const sampleEvent = () =>
  orderEventFor({ id: '26120200000007', orderId: '26120200000007', requestId: 'req-7', role: 'entry', symbol: 'NSE:NIFTY2672124400CE', side: 'BUY', qty: 65, productType: 'INTRADAY', orderType: 'MARKET', state: 'filled', filledQty: 65, avgPrice: 151.2, version: 2, createdAt: 1, updatedAt: 2 }, 'accepted');

const registration = (over: Partial<WebhookRegistrationDeps> = {}): WebhookRegistrationDeps => ({
  store: createFirestoreWebhookSubscriptionStore(db, { prefix: uniquePrefix('wh') }),
  resolve: async () => [{ address: '93.184.216.34', family: 4 }],
  clock: Date.now,
  ...over,
});
const register = (deps: WebhookRegistrationDeps, url: string) => handleWebhookRegistrations(deps, { method: 'POST', query: {}, rawBody: Buffer.from(JSON.stringify({ url, actor: 'asha' })) }, 'req');

it('refuses subscriber URLs that are not https or reach a private, loopback, link-local or metadata address, naming the field', async () => {
  const deps = registration({ resolve: async (host) => (host === 'sneaky.example' ? [{ address: '10.1.2.3', family: 4 }] : host === 'mixed.example' ? [{ address: '93.184.216.34', family: 4 }, { address: '127.0.0.1', family: 4 }] : [{ address: '93.184.216.34', family: 4 }]) });
  for (const url of ['http://hooks.example/x', 'https://169.254.169.254/computeMetadata', 'https://127.0.0.1/x', 'https://[::1]/x', 'https://10.0.0.5/x', 'https://sneaky.example/x', 'https://mixed.example/x', 'https://user:pw@hooks.example/x', 'ftp://hooks.example', 'not a url']) {
    await expect(register(deps, url)).rejects.toMatchObject({ code: 'ALERT_INVALID', details: { fields: { url: expect.any(String) } } });
  }
  expect(await deps.store.list()).toEqual([]);
  const ok = await register(deps, 'https://hooks.example/orders');
  expect(ok.status).toBe(201);
  expect(ok.body.secret).toMatch(/^whsec_/);
  const listed = await handleWebhookRegistrations(deps, { method: 'GET', query: {} }, 'r');
  expect(JSON.stringify(listed.body)).not.toContain(String(ok.body.secret));
});

it('a subscriber receives each order event through Pub/Sub push, signed so that it verifies; a tampered one does not, and a failed delivery is retried', async () => {
  const { projectId } = requireEmulators();
  const deps = registration({ allowLoopbackForTests: true });
  const received: Array<{ body: string; signature: string; eventId: string }> = [];
  let failFirst = true;
  const subscriberUrl = await listen((body, headers) => {
    received.push({ body, signature: String(headers[SIGNATURE_HEADER]), eventId: String(headers[EVENT_ID_HEADER]) });
    if (failFirst) {
      failFirst = false;
      return 503;
    }
    return 200;
  });
  const reg = await register(deps, `${subscriberUrl}/hook`);
  const secret = String(reg.body.secret);

  // The push endpoint stands in for the orderEventWebhooks function: Pub/Sub push body → CloudEvent data.
  const logger = createLogger({ sink: () => undefined });
  const pushUrl = await listen(async (body) => {
    try {
      await handleOrderEventWebhooks({ subscriptions: deps.store, resolve: deps.resolve, logger, clock: Date.now, timeoutMs: 5_000, allowLoopbackForTests: true }, { data: JSON.parse(body) as unknown });
      return 204;
    } catch {
      return 500; // Pub/Sub redelivers
    }
  });
  const name = `order-events-wh-${randomBytes(4).toString('hex')}`;
  const [topic] = await pubsub.createTopic(name);
  await topic.createSubscription(`${name}-push`, { pushConfig: { pushEndpoint: `${pushUrl}/` }, retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 2 } } });

  const event = sampleEvent();
  await createPubSubOrderEventPublisher(pubsub.topic(name)).publish(event);
  await waitUntil(() => received.length >= 2, 60_000, 'the retried delivery');

  const now = Math.floor(Date.now() / 1000);
  for (const r of received) {
    expect(r.eventId).toBe(event.eventId);
    expect(JSON.parse(r.body)).toEqual(event);
    expect(verifyWebhook(secret, r.body, r.signature, now)).toBe(true);
  }
  const { body, signature } = received[1]!;
  expect(verifyWebhook(secret, body.replace('151.2', '1.2'), signature, now)).toBe(false);
  expect(verifyWebhook(secret, body, signature.replace(/v1=./, (m) => (m.endsWith('0') ? 'v1=1' : 'v1=0')), now)).toBe(false);
  expect(verifyWebhook('whsec_someone-else', body, signature, now)).toBe(false);
  // A captured delivery replayed later, or re-signed with a forged time, fails too.
  expect(verifyWebhook(secret, body, signature, now + 3600)).toBe(false);
  expect(verifyWebhook(secret, body, signature.replace(/t=\d+/, `t=${now + 5}`), now)).toBe(false);
  expect(verifyWebhook(secret, body, signWebhook(secret, body, now), now)).toBe(true);
  void projectId;
});
