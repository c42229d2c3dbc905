import { PubSub, type Message } from '@google-cloud/pubsub';
import { randomBytes } from 'node:crypto';
import { createLogger } from '../../shared/platform/logger';
import { decodePubSubNotification } from '../../shared/notify/decode-pubsub-event';
import { createPubSubNotifier } from '../../shared/notify/notifier.pubsub';
import type { Notification } from '../../shared/notify/notifier.port';

// Talks to the real Pub/Sub emulator. Without PUBSUB_EMULATOR_HOST the client would aim at Google,
// so refuse to construct it and fail loudly instead of skipping.
const emulatorHost = process.env.PUBSUB_EMULATOR_HOST;
const requireEmulator = () => {
  if (!emulatorHost) {
    throw new Error('PUBSUB_EMULATOR_HOST is not set: run emulator tests through `node scripts/with-emulators.mjs npx jest --selectProjects emulator`');
  }
};

const suffix = randomBytes(4).toString('hex');
let pubsub: PubSub;

beforeAll(() => {
  requireEmulator();
  pubsub = new PubSub({ projectId: 'demo-notify' });
});
afterAll(async () => {
  await pubsub?.close();
});

const sample: Notification = {
  kind: 'order.rejected',
  severity: 'critical',
  summary: 'NIFTY BUY 2 lots rejected: insufficient margin',
  requestId: 'req-emu-1',
  at: 1_767_000_000_000,
  details: { symbol: 'NSE:NIFTY26JANFUT' },
};

const nextMessage = (sub: ReturnType<PubSub['subscription']>, timeoutMs = 10_000) =>
  new Promise<Message>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no message within timeout')), timeoutMs);
    sub.once('message', (m: Message) => {
      clearTimeout(timer);
      m.ack();
      resolve(m);
    });
    sub.once('error', reject);
  });

describe('createPubSubNotifier against the Pub/Sub emulator', () => {
  it('publishes the notification as JSON with kind and severity attributes', async () => {
    const [topic] = await pubsub.createTopic(`notify-${suffix}`);
    const [sub] = await topic.createSubscription(`notify-sub-${suffix}`);
    try {
      const received = nextMessage(sub);
      const lines: string[] = [];
      await createPubSubNotifier(topic, createLogger({ sink: (l) => lines.push(l) })).notify(sample);
      const m = await received;

      expect(JSON.parse(m.data.toString('utf8'))).toEqual(sample);
      expect(m.attributes).toEqual({ kind: 'order.rejected', severity: 'critical' });
      expect(lines.filter((l) => l.includes('"ERROR"'))).toEqual([]);

      // The same bytes, wrapped as a push delivery, decode back to the notification.
      const push = { message: { data: m.data.toString('base64'), attributes: m.attributes, messageId: m.id } };
      expect(decodePubSubNotification(push)).toEqual({ ok: true, notification: sample, messageId: m.id });
    } finally {
      await sub.close();
      await sub.delete();
      await topic.delete();
    }
  });

  it('does not throw when the topic does not exist, and logs the failure', async () => {
    const lines: string[] = [];
    const missing = pubsub.topic(`missing-${suffix}`);
    await expect(createPubSubNotifier(missing, createLogger({ sink: (l) => lines.push(l) }), { timeoutMs: 8_000 }).notify(sample)).resolves.toBeUndefined();
    const errors = lines.map((l) => JSON.parse(l) as { severity: string; message: string; kind?: string }).filter((l) => l.severity === 'ERROR');
    expect(errors).toEqual([expect.objectContaining({ message: 'notification publish failed', kind: 'order.rejected' })]);
  });
});
