import { rm } from 'node:fs/promises';
import { createLocalRecentNotifications } from '../../shared/store/local/notifications.local';
import { tempDir } from '../integration/helpers/bridge-kit';
import { recentNotificationsContract } from './recent-notifications.contract';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('local store', () => {
  recentNotificationsContract(async () => {
    const dir = await tempDir('notes');
    dirs.push(dir);
    return createLocalRecentNotifications(dir);
  });

  it('keeps only the newest `cap`', async () => {
    const dir = await tempDir('notes');
    dirs.push(dir);
    const store = createLocalRecentNotifications(dir, 3);
    for (let i = 1; i <= 5; i++) await store.append({ kind: 'controls.changed', severity: 'info', summary: `n${i}`, at: i });
    expect((await store.list(10)).map((n) => n.summary)).toEqual(['n5', 'n4', 'n3']);
  });
});
