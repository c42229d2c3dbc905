import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLocalOrderRecordStore } from '../../shared/store/local/order-records.local';
import { ordersByDayContract } from './order-records-by-day.contract';

const root = mkdtempSync(path.join(os.tmpdir(), 'orders-by-day-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('local order records: a day at a time', () => {
  ordersByDayContract((space) => createLocalOrderRecordStore(path.join(root, space)));
});
