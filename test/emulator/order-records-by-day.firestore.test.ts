import type { Firestore } from '@google-cloud/firestore';
import { createFirestoreOrderRecordStore } from '../../shared/store/firestore/order-records.firestore';
import { ordersByDayContract } from '../contract/order-records-by-day.contract';
import { emulatorFirestore, uniquePrefix } from './helpers/emulator-env';

const db: Firestore = emulatorFirestore();
const runPrefix = uniquePrefix('orders-by-day');
afterAll(() => db.terminate());
jest.setTimeout(60_000);

describe('Firestore order records: a day at a time (emulator)', () => {
  ordersByDayContract((space) => createFirestoreOrderRecordStore(db, { prefix: `${runPrefix}${space}-` }));
});
