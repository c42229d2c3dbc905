import { PubSub, type Message, type Subscription } from '@google-cloud/pubsub';
import type { OrderEventV1 } from '../../../shared/orders/lifecycle/order-event';

/** A fresh `order-events` topic on the Pub/Sub emulator with a subscription that collects every message. */
export async function orderEventsSink(projectId: string, label: string): Promise<{ topic: string; events: OrderEventV1[]; attributes: Array<Record<string, string>>; close(): Promise<void> }> {
  const pubsub = new PubSub({ projectId });
  const name = `order-events-${label}`;
  const [topic] = await pubsub.createTopic(name);
  const [sub]: [Subscription, unknown] = await topic.createSubscription(`${name}-sink`);
  const events: OrderEventV1[] = [];
  const attributes: Array<Record<string, string>> = [];
  sub.on('message', (m: Message) => {
    events.push(JSON.parse(m.data.toString('utf8')) as OrderEventV1);
    attributes.push(m.attributes);
    m.ack();
  });
  return {
    topic: name,
    events,
    attributes,
    close: async () => {
      await sub.close();
      await pubsub.close();
    },
  };
}

export async function waitUntil(cond: () => boolean | Promise<boolean>, ms = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
