import path from 'node:path';
import type { WebhookSubscription, WebhookSubscriptionStore } from '../webhook-subscriptions.port';
import { readJsonFile, writeJsonFileAtomic } from './json-file';
import { fileLocks } from './keyed-mutex';

/** All subscriptions in `<dir>/webhooks.json` (mode 0600: it holds their signing secrets). */
export function createLocalWebhookSubscriptionStore(dir: string): WebhookSubscriptionStore {
  const file = path.resolve(dir, 'webhooks.json');
  const load = async () => (await readJsonFile<WebhookSubscription[]>(file)) ?? [];
  return {
    add: (sub) => fileLocks.run(file, async () => writeJsonFileAtomic(file, [...(await load()), sub], 0o600)),
    list: load,
    remove: (id) =>
      fileLocks.run(file, async () => {
        const all = await load();
        const kept = all.filter((s) => s.id !== id);
        await writeJsonFileAtomic(file, kept, 0o600);
        return kept.length !== all.length;
      }),
  };
}
