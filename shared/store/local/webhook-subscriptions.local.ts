import path from 'node:path';
import type { WebhookSubscription, WebhookSubscriptionStore } from '../webhook-subscriptions.port';
import { DependencyUnavailableError } from '../../errors';
import type { StoreHealth } from '../store-health';
import { readCheckedJsonFile, UnreadableFileError, writeJsonFileAtomic } from './json-file';
import { fileLocks } from './keyed-mutex';

/** All subscriptions in `<dir>/webhooks.json` (mode 0600: it holds their signing secrets). */
export function createLocalWebhookSubscriptionStore(dir: string, health?: StoreHealth): WebhookSubscriptionStore {
  const file = path.resolve(dir, 'webhooks.json');
  const isList = (v: unknown): v is WebhookSubscription[] => Array.isArray(v) && v.every((s) => typeof s === 'object' && s !== null && typeof (s as WebhookSubscription).id === 'string');
  // Unreadable is not "no subscribers" (an add would overwrite them all): refused with a named 503, operator told.
  const load = async (): Promise<WebhookSubscription[]> => {
    try {
      const list = (await readCheckedJsonFile(file, isList)) ?? [];
      health?.readable('webhooks');
      return list;
    } catch (e) {
      if (!(e instanceof UnreadableFileError)) throw e;
      health?.unreadable('webhooks', 'The order-event webhook subscriptions file (webhooks.json) is unreadable: events are not delivered and subscriptions cannot change until it is repaired', () =>
        readCheckedJsonFile(file, isList).then(() => true, () => false),
      );
      throw new DependencyUnavailableError('The webhook subscriptions file is unreadable; the operator has been told');
    }
  };
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
