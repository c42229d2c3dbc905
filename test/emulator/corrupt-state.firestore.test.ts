import { Firestore } from '@google-cloud/firestore';
import { docIdFor } from '../../shared/store/firestore/firestore-docs';
import { corruptStateSuite } from '../helpers/corrupt-state-suite';

/** Issue 10 item 4 on the Firestore emulator: documents that exist but fail validation. */
const clients: Firestore[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.terminate()));
});

describe('documents that fail validation in Firestore', () => {
  corruptStateSuite('firestore', (app) => {
    const db = new Firestore({ projectId: app.deps.config.projectId });
    clients.push(db);
    return {
      controls: async () => {
        await db.collection('controls').doc('runtime').set({ tradingEnabled: 'yes', maxLots: -3 });
      },
      record: async (key, how) => {
        const doc = db.collection('idempotency').doc(docIdFor(key));
        if (how === 'null-result') await doc.update({ result: null });
        else await doc.set({ status: 'placed' });
      },
    };
  });
});
