import type { Firestore } from '@google-cloud/firestore';
import { createFirestoreRecentNotifications } from '../../shared/store/firestore/notifications.firestore';
import { recentNotificationsContract } from '../contract/recent-notifications.contract';
import { emulatorFirestore, uniquePrefix } from './helpers/emulator-env';

const db: Firestore = emulatorFirestore();
const runPrefix = uniquePrefix('notes');
let n = 0;
afterAll(() => db.terminate());

describe('Firestore store (emulator)', () => {
  recentNotificationsContract(() => createFirestoreRecentNotifications(db, { prefix: `${runPrefix}${++n}-` }));
});
