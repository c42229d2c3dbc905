import path from 'node:path';
import type { Notification } from '../../notify/notifier.port';
import type { RecentNotifications } from '../../notify/recent-notifications';
import { fileLocks } from './keyed-mutex';
import { readJsonFile, writeJsonFileAtomic } from './json-file';

/** The newest `cap` notifications in one JSON file, newest first. */
export function createLocalRecentNotifications(dir: string, cap = 100): RecentNotifications {
  const file = path.resolve(dir, 'recent-notifications.json');
  return {
    async append(n) {
      await fileLocks.run(file, async () => {
        const kept = (await readJsonFile<Notification[]>(file)) ?? [];
        await writeJsonFileAtomic(file, [n, ...kept].slice(0, cap));
      });
    },
    async list(limit) {
      return ((await readJsonFile<Notification[]>(file)) ?? []).slice(0, limit);
    },
  };
}
