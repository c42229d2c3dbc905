import type { Firestore } from '@google-cloud/firestore';
import { createFirestoreHoldingsStore } from '../../shared/store/firestore/holdings.firestore';
import { holdingsContract } from '../contract/holdings-contract';
import { emulatorFirestore, uniquePrefix } from './helpers/emulator-env';

const db: Firestore = emulatorFirestore();
const runPrefix = uniquePrefix('holdings');
afterAll(() => db.terminate());
jest.setTimeout(60_000);

describe('Firestore holdings store (emulator)', () => {
  holdingsContract((space) => createFirestoreHoldingsStore(db, { prefix: `${runPrefix}${space}-` }));
});
