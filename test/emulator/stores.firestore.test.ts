import type { OrderResult } from '../../shared/orders/order-result';
import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { DependencyUnavailableError } from '../../shared/errors';
import { createFirestoreAuditLog } from '../../shared/store/firestore/audit.firestore';
import { createFirestoreControlsStore } from '../../shared/store/firestore/controls.firestore';
import { createFirestoreIdempotencyStore, idempotencyDocRef } from '../../shared/store/firestore/idempotency.firestore';
import { createFirestoreLeaseStore } from '../../shared/store/firestore/lease.firestore';
import { createFirestoreOAuthStateStore } from '../../shared/store/firestore/oauth-state.firestore';
import { createFirestoreTokenStore } from '../../shared/store/firestore/token.firestore';
import {
  auditContract, controlsContract, idempotencyContract, leaseContract, newSpace, oauthStateContract, tokenContract,
} from '../contract/store-contract';
import { emulatorFirestore, uniquePrefix } from './helpers/emulator-env';

const db: Firestore = emulatorFirestore();
const runPrefix = uniquePrefix('stores');
const opts = (space: string) => ({ prefix: `${runPrefix}${space}-` });
afterAll(() => db.terminate());

describe('Firestore stores (emulator)', () => {
  idempotencyContract((space) => createFirestoreIdempotencyStore<OrderResult>(db, opts(space)));
  auditContract((space) => createFirestoreAuditLog(db, opts(space)));
  controlsContract((space) => createFirestoreControlsStore(db, opts(space)));
  tokenContract((space) => createFirestoreTokenStore(db, opts(space)));
  leaseContract((space) => createFirestoreLeaseStore(db, opts(space)));
  oauthStateContract((space) => createFirestoreOAuthStateStore(db, opts(space)));

  describe('documents', () => {
    it('stores expiresAt as a Timestamp, the only type a TTL policy acts on', async () => {
      const space = newSpace();
      const store = createFirestoreIdempotencyStore(db, opts(space));
      const nowMs = Date.UTC(2026, 0, 5);
      await store.claim({ key: 'k:ttl-field', owner: 'a', requestId: 'r', nowMs, leaseMs: 1000, ttlMs: 3_600_000 });
      const raw = (await idempotencyDocRef(db, 'k:ttl-field', opts(space)).get()).data();
      expect(raw?.expiresAt).toBeInstanceOf(Timestamp);
      expect((raw?.expiresAt as Timestamp).toMillis()).toBe(nowMs + 3_600_000);
      expect(raw?.leaseUntil).toBe(nowMs + 1000);
      // The store answers in epoch ms, like the local store.
      expect((await store.get('k:ttl-field'))?.expiresAt).toBe(nowMs + 3_600_000);
    });

    it('keeps controls history in a subcollection of controls/runtime', async () => {
      const space = newSpace();
      await createFirestoreControlsStore(db, opts(space)).update({ tradingEnabled: false }, 'ops', 1);
      const runtime = db.collection(`${opts(space).prefix}controls`).doc('runtime');
      expect((await runtime.get()).data()).toEqual({ tradingEnabled: false, reduceOnly: false });
      const history = await runtime.collection('history').get();
      expect(history.docs.map((d) => d.data().actor)).toEqual(['ops']);
    });

    it('turns a Firestore failure into DependencyUnavailableError, without the payload in the message', async () => {
      // The server refuses documents over 1 MiB with INVALID_ARGUMENT, a failure that is not retried.
      const log = createFirestoreAuditLog(db, opts(newSpace()));
      const huge = 'x'.repeat(1_100_000);
      const failure = log.record({ requestId: 'r-huge', day: '2026-01-05', status: 'error', receivedAt: 1, httpStatus: 500, latencyMs: 1, message: huge });
      await expect(failure).rejects.toBeInstanceOf(DependencyUnavailableError);
      await expect(failure).rejects.toThrow(/^The store could not write an audit entry$/);
    });
  });
});
