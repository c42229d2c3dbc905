import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PubSub, type Message, type Subscription, type Topic } from '@google-cloud/pubsub';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import request from 'supertest';
import type { AppDeps } from '../../functions/composition';
import { handleControls } from '../../functions/controls/controls.handler';
import '../../functions/index';
import { createNotificationForwarder } from '../../shared/notify/forward-notification';
import type { Notification } from '../../shared/notify/notifier.port';
import { systemResolveHost } from '../../shared/notify/safe-target';
import { silentLogger } from '../../shared/platform/logger';
import { startHarness, type Harness } from '../helpers/bridge-harness';
import { requireEmulators } from './helpers/emulator-env';

/**
 * The notification path end to end: the product publishes to a real Pub/Sub (emulator) topic, the
 * message is pulled and delivered to the `notify` CloudEvent function exactly as Eventarc would push it,
 * and the function forwards it to the operator's chat webhook (a local HTTP server here).
 */
const CONTROLS_KEY = 'emu-controls-key-5e1c';
const suffix = randomBytes(4).toString('hex');

interface Received {
  text: string;
  content: string;
}

let pubsub: PubSub;
let topic: Topic;
let subscription: Subscription;
let bridge: Harness | undefined;
let deps: AppDeps;
let chat: http.Server;
let chatUrl: string;
let chatStatus = 200;
const received: Received[] = [];
const pulled: Message[] = [];
/** Woken whenever a message arrives, so a wait needs no timer of its own (jest's timeout bounds it). */
let arrived: () => void = () => undefined;

beforeAll(async () => {
  const { projectId } = requireEmulators();
  pubsub = new PubSub({ projectId });
  [topic] = await pubsub.createTopic(`notify-e2e-${suffix}`);
  [subscription] = await topic.createSubscription(`notify-e2e-sub-${suffix}`);
  subscription.on('message', (m: Message) => {
    m.ack();
    pulled.push(m);
    arrived();
  });

  chat = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (chatStatus === 200) received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received);
      res.writeHead(chatStatus).end();
    });
  });
  await new Promise<void>((resolve) => chat.listen(0, '127.0.0.1', resolve));
  chatUrl = `http://127.0.0.1:${(chat.address() as AddressInfo).port}/hook`;

  // The production forwarder, allowed to reach loopback for this test, with the same retry contract as adapters.ts.
  const send = createNotificationForwarder({ url: chatUrl, resolve: systemResolveHost, logger: silentLogger, timeoutMs: 2_000, allowLoopbackForTests: true });
  const forwardNotification = async (n: Notification) => {
    const r = await send(n);
    if (!r.ok && r.retryable) throw new Error(`delivery failed (${r.reason})`);
  };
  bridge = await startHarness({
    label: 'notify-e2e',
    projectId,
    env: { BROKER: 'paper', NOTIFY_TOPIC: topic.name.split('/').pop(), CONTROLS_KEY, LOG_LEVEL: 'ERROR' },
    overrides: { forwardNotification },
    instance: true,
  });
  deps = bridge.deps;
});

afterAll(async () => {
  await bridge?.close();
  await subscription?.close();
  await subscription?.delete().catch(() => undefined);
  await topic?.delete().catch(() => undefined);
  await pubsub?.close();
  chat?.closeAllConnections();
  await new Promise<void>((resolve) => (chat ? chat.close(() => resolve()) : resolve()));
});

beforeEach(() => {
  received.splice(0);
  chatStatus = 200;
});

/** The first pulled message of `kind`; the emulator may redeliver earlier ones, which are skipped. */
async function nextMessage(kind: string): Promise<Message> {
  for (;;) {
    const i = pulled.findIndex((m) => m.attributes.kind === kind);
    if (i >= 0) return pulled.splice(i, 1)[0]!;
    await new Promise<void>((resolve) => (arrived = resolve));
  }
}

/** What Eventarc POSTs to a CloudEvent function for a Pub/Sub message (binary content mode). */
function pushToNotify(message: { data: string; attributes?: Record<string, string>; messageId: string }) {
  return request(getTestServer('notify'))
    .post('/')
    .set('ce-id', message.messageId)
    .set('ce-specversion', '1.0')
    .set('ce-type', 'google.cloud.pubsub.topic.v1.messagePublished')
    .set('ce-source', `//pubsub.googleapis.com/${topic.name}`)
    .set('content-type', 'application/json')
    .send({ message: { ...message, publishTime: new Date().toISOString() }, subscription: subscription.name });
}

describe('notify: Pub/Sub emulator → CloudEvent function → chat webhook', () => {
  it('forwards a notification the product published (a kill-switch change) to the chat webhook', async () => {
    const change = await handleControls(deps.controls, {
      method: 'POST',
      path: '/',
      query: {},
      authorization: `Bearer ${CONTROLS_KEY}`,
      source: '127.0.0.1',
      rawBody: Buffer.from(JSON.stringify({ tradingEnabled: false, actor: 'emu-operator' })),
    });
    expect(change.status).toBe(200);
    const m = await nextMessage('controls.changed');
    expect(m.attributes).toEqual({ kind: 'controls.changed', severity: 'warning' });

    const res = await pushToNotify({ data: m.data.toString('base64'), attributes: m.attributes, messageId: m.id });

    expect(String(res.status)).toMatch(/^2\d\d$/);
    expect(received).toHaveLength(1);
    expect(received[0]!.text).toMatch(/^\[WARNING\] controls\.changed: Controls changed by emu-operator: \{"tradingEnabled":false\}/);
    expect(received[0]!.content).toBe(received[0]!.text);
    expect(received[0]!.text).not.toContain(CONTROLS_KEY);
  });

  it('fails the delivery when the chat webhook answers 5xx, so Pub/Sub redelivers', async () => {
    await deps.adapters.notifier.notify({ kind: 'session.expired', severity: 'critical', summary: 'Fyers session has ended', at: Date.now() });
    const m = await nextMessage('session.expired');
    chatStatus = 503;

    const res = await pushToNotify({ data: m.data.toString('base64'), attributes: m.attributes, messageId: m.id });
    expect(res.status).toBeGreaterThanOrEqual(500);

    // The redelivery succeeds once the webhook is back.
    chatStatus = 200;
    const again = await pushToNotify({ data: m.data.toString('base64'), attributes: m.attributes, messageId: m.id });
    expect(String(again.status)).toMatch(/^2\d\d$/);
    expect(received).toHaveLength(1);
    expect(received[0]!.text).toContain('[CRITICAL] session.expired: Fyers session has ended');
  });

  it('acknowledges a message that is not a notification without forwarding anything', async () => {
    const res = await pushToNotify({ data: Buffer.from('not json').toString('base64'), messageId: 'junk-1' });
    expect(String(res.status)).toMatch(/^2\d\d$/);
    expect(received).toEqual([]);
  });
});
