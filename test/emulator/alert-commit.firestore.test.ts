/**
 * The alert commit on the Firestore emulator. A claim this instance created itself is committed by one
 * guarded batch (one round trip); when any of its assumptions is wrong (the claim changed, a record or an
 * early report is there) nothing of the batch lands and the transaction decides, exactly as it does
 * alone. Each case is run beside a commit made by the transaction alone, and both must leave the same
 * documents.
 */
import { Timestamp, type DocumentData, type Firestore } from '@google-cloud/firestore';
import type { OrderReport } from '../../shared/broker/broker.port';
import { DependencyUnavailableError } from '../../shared/errors';
import type { AlertCommit, RecordCreation } from '../../shared/store/alert-commit.port';
import type { AuditEntry } from '../../shared/store/audit.port';
import type { ClaimInput, FinishedResult } from '../../shared/store/idempotency.port';
import type { StoredOrderEvent, StoredOrderRecord } from '../../shared/store/order-records.port';
import { createFirestoreAlertCommit } from '../../shared/store/firestore/alert-commit.firestore';
import { createFreshClaims, type FreshClaims } from '../../shared/store/firestore/fresh-claims';
import { createFirestoreIdempotencyStore } from '../../shared/store/firestore/idempotency.firestore';
import { createFirestoreOrderRecordStore } from '../../shared/store/firestore/order-records.firestore';
import { emulatorFirestore, uniquePrefix } from './helpers/emulator-env';

const db: Firestore = emulatorFirestore();
const runPrefix = uniquePrefix('alertcommit');
afterAll(() => db.terminate());

/** Every RPC the client sends, by method name (commit, batchGetDocuments, ...). */
const rpcs: string[] = [];
{
  const client = db as unknown as Record<'request' | 'requestStream', (method: string, ...rest: unknown[]) => unknown>;
  for (const name of ['request', 'requestStream'] as const) {
    const original = client[name].bind(db);
    client[name] = (method, ...rest) => {
      rpcs.push(method);
      return original(method, ...rest);
    };
  }
}

const T0 = Date.UTC(2026, 0, 5, 4, 0);
const LEASE_MS = 30_000;
const COLLECTIONS = ['idempotency', 'orders', 'order-outbox', 'order-orphans', 'audit'];

interface Result extends FinishedResult {
  orderId?: string;
  orderTag?: string;
}
interface Rec extends StoredOrderRecord {
  orderId?: string;
  hinted: boolean;
  note?: string;
}

const claimInput = (key: string, owner: string, nowMs = T0): ClaimInput => ({ key, owner, requestId: owner, orderTag: `tag-${key}`, nowMs, leaseMs: LEASE_MS, ttlMs: 86_400_000 });

/** Like the lifecycle's: a pure build that says whether an early report was taken. */
const creation = (id: string, orderId?: string): RecordCreation<Rec, StoredOrderEvent> => ({
  id,
  orderId,
  build: (early) => ({
    result: { hinted: Boolean(early) },
    // `note: undefined` checks both paths drop undefined the same way.
    record: { id, orderId, state: 'accepted', version: 1, createdAt: T0, hinted: Boolean(early), note: undefined },
    events: [{ eventId: `${id}-v1`, recordId: id, recordedAt: T0, version: 1 }],
  }),
});

const auditFor = (requestId: string): AuditEntry => ({ requestId, receivedAt: T0, day: '2026-01-05', status: 'placed', httpStatus: 200, latencyMs: 12, orderRecordId: undefined });

const alertCommit = (key: string, owner: string, records: RecordCreation<Rec, StoredOrderEvent>[]): AlertCommit<Result, Rec, StoredOrderEvent> => ({
  completion: { key, owner, result: { status: 'placed', orderId: 'ord-1', orderTag: undefined }, nowMs: T0 + 500 },
  records,
  audit: auditFor(owner),
});

const report = (orderId: string): OrderReport => ({ orderId, symbol: 'NSE:X', side: 'BUY', qty: 75, productType: 'INTRADAY', state: 'filled', filledQty: 75, avgPrice: 101 });

let spaces = 0;
/** One isolated set of collections; `fresh` shared by its idempotency store and commit, as adapters.ts does. */
function space(fresh?: FreshClaims) {
  const prefix = `${runPrefix}${++spaces}-`;
  const spied = { transactions: 0, batches: 0 };
  const counting = new Proxy(db, {
    get(target, prop) {
      if (prop === 'runTransaction') spied.transactions += 1;
      if (prop === 'batch') spied.batches += 1;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return {
    prefix,
    spied,
    idempotency: createFirestoreIdempotencyStore<Result>(db, { prefix, freshClaims: fresh }),
    commit: createFirestoreAlertCommit<Result, Rec, StoredOrderEvent>(counting, { prefix, freshClaims: fresh }),
    records: createFirestoreOrderRecordStore<Rec, StoredOrderEvent>(db, { prefix }),
    doc: (collection: string, id: string) => db.collection(`${prefix}${collection}`).doc(id),
    /** Every document the commit may touch, Timestamps as ms, so two spaces compare with toEqual. */
    async dump(): Promise<Record<string, Record<string, DocumentData>>> {
      const out: Record<string, Record<string, DocumentData>> = {};
      for (const c of COLLECTIONS) {
        out[c] = {};
        for (const d of (await db.collection(`${prefix}${c}`).get()).docs) out[c][d.id] = plain(d.data());
      }
      return out;
    },
  };
}

function plain(data: DocumentData): DocumentData {
  return JSON.parse(JSON.stringify(data, (_k, v: unknown) => (v instanceof Timestamp ? { timestamp: v.toMillis() } : v))) as DocumentData;
}

/** The RPCs `run` sent. */
async function rpcsOf<T>(run: () => Promise<T>): Promise<{ value: T; sent: string[] }> {
  const from = rpcs.length;
  const value = await run();
  return { value, sent: rpcs.slice(from) };
}

describe('the alert commit on a claim this instance created (Firestore emulator)', () => {
  it('is one batch, one round trip, and stores exactly what the transaction stores', async () => {
    const fast = space(createFreshClaims());
    const slow = space();
    const records = [creation('rec-1', 'ord-1'), creation('rec-2')];
    for (const s of [fast, slow]) expect((await s.idempotency.claim(claimInput('k1', 'i:r1'))).kind).toBe('claimed');

    const a = await rpcsOf(() => fast.commit.commit(alertCommit('k1', 'i:r1', records)));
    const b = await rpcsOf(() => slow.commit.commit(alertCommit('k1', 'i:r1', records)));

    expect(a.sent).toEqual(['commit']);
    expect(fast.spied).toEqual({ transactions: 0, batches: 1 });
    expect(b.sent).toEqual(['batchGetDocuments', 'commit']);
    expect(slow.spied).toEqual({ transactions: 1, batches: 0 });
    expect(a.value).toEqual({ completed: true, created: [{ hinted: false }, { hinted: false }] });
    expect(b.value).toEqual(a.value);
    const stored = await fast.dump();
    expect(stored).toEqual(await slow.dump());
    // And what that is: the outcome on the claim, both records with their first event, the audit entry.
    expect(stored.idempotency!.k1).toMatchObject({ status: 'placed', owner: 'i:r1', result: { status: 'placed', orderId: 'ord-1' }, updatedAt: T0 + 500, leaseUntil: T0 + 500 });
    expect(Object.keys(stored.orders!).sort()).toEqual(['rec-1', 'rec-2']);
    expect(Object.keys(stored['order-outbox']!).sort()).toEqual(['rec-1-v1', 'rec-2-v1']);
    expect(Object.keys(stored.audit!)).toEqual(['i:r1']);
  });

  it('takes the claim note once: a second commit of the same claim goes through the transaction', async () => {
    const fresh = createFreshClaims();
    const s = space(fresh);
    await s.idempotency.claim(claimInput('k-twice', 'i:r1'));
    expect(fresh.size).toBe(1);
    expect(await s.commit.commit(alertCommit('k-twice', 'i:r1', []))).toEqual({ completed: true, created: [] });
    expect(fresh.size).toBe(0);
    // Replayed (say, by a test or a retry): the claim is no longer pending, so nothing more is completed.
    expect(await s.commit.commit(alertCommit('k-twice', 'i:r1', []))).toEqual({ completed: false, created: [] });
    expect(s.spied).toEqual({ transactions: 1, batches: 1 });
  });

  describe('when an assumption is wrong, nothing of the batch lands and the transaction decides as it does alone', () => {
    it('the claim was taken over after its lease ran out: no outcome from us, records and audit land', async () => {
      const fast = space(createFreshClaims());
      const slow = space();
      const later = T0 + LEASE_MS + 1;
      for (const s of [fast, slow]) {
        await s.idempotency.claim(claimInput('k2', 'i:r1'));
        // Another instance (no notes of ours) takes the lapsed claim over.
        expect((await createFirestoreIdempotencyStore(db, { prefix: s.prefix }).claim(claimInput('k2', 'j:r2', later))).kind).toBe('recover');
      }

      const a = await rpcsOf(() => fast.commit.commit(alertCommit('k2', 'i:r1', [creation('rec-k2', 'ord-k2')])));
      const b = await slow.commit.commit(alertCommit('k2', 'i:r1', [creation('rec-k2', 'ord-k2')]));

      expect(a.value).toEqual({ completed: false, created: [{ hinted: false }] });
      expect(b).toEqual(a.value);
      // The batch was refused, then the transaction read and committed.
      expect(a.sent).toEqual(['commit', 'batchGetDocuments', 'commit']);
      expect(fast.spied).toEqual({ transactions: 1, batches: 1 });
      const stored = await fast.dump();
      expect(stored).toEqual(await slow.dump());
      expect(stored.idempotency!.k2).toMatchObject({ status: 'pending', owner: 'j:r2', takeovers: 1 });
      expect(Object.keys(stored.orders!)).toEqual(['rec-k2']);
      expect(Object.keys(stored.audit!)).toEqual(['i:r1']);
    });

    it('the claim was deleted and created again by another owner: no outcome from us, records and audit land', async () => {
      const fast = space(createFreshClaims());
      const slow = space();
      for (const s of [fast, slow]) {
        await s.idempotency.claim(claimInput('k3', 'i:r1'));
        await s.doc('idempotency', 'k3').delete();
        await createFirestoreIdempotencyStore(db, { prefix: s.prefix }).claim(claimInput('k3', 'j:r2'));
      }

      const a = await fast.commit.commit(alertCommit('k3', 'i:r1', [creation('rec-k3', 'ord-k3')]));
      const b = await slow.commit.commit(alertCommit('k3', 'i:r1', [creation('rec-k3', 'ord-k3')]));

      expect(a).toEqual({ completed: false, created: [{ hinted: false }] });
      expect(b).toEqual(a);
      expect(fast.spied).toEqual({ transactions: 1, batches: 1 });
      const stored = await fast.dump();
      expect(stored).toEqual(await slow.dump());
      expect(stored.idempotency!.k3).toMatchObject({ status: 'pending', owner: 'j:r2' });
      expect(Object.keys(stored.orders!)).toEqual(['rec-k3']);
      expect(Object.keys(stored.audit!)).toEqual(['i:r1']);
    });

    it('an early report for the order is there: the record is built with it and the report consumed', async () => {
      const fast = space(createFreshClaims());
      const slow = space();
      for (const s of [fast, slow]) {
        await s.idempotency.claim(claimInput('k4', 'i:r1'));
        expect(await s.records.saveOrphan(report('ord-k4'), ['rec-k4'], T0 + 100)).toBe(true);
      }

      const a = await rpcsOf(() => fast.commit.commit(alertCommit('k4', 'i:r1', [creation('rec-k4', 'ord-k4')])));
      const b = await slow.commit.commit(alertCommit('k4', 'i:r1', [creation('rec-k4', 'ord-k4')]));

      expect(a.value).toEqual({ completed: true, created: [{ hinted: true }] });
      expect(b).toEqual(a.value);
      expect(a.sent).toEqual(['commit', 'batchGetDocuments', 'commit']);
      const stored = await fast.dump();
      expect(stored).toEqual(await slow.dump());
      expect(stored['order-orphans']).toEqual({});
      expect(stored.orders!['rec-k4']).toMatchObject({ hinted: true });
      expect(stored.idempotency!.k4).toMatchObject({ status: 'placed', owner: 'i:r1' });
    });

    it('the record is already there: it is left alone and its creation answers undefined', async () => {
      const fast = space(createFreshClaims());
      const slow = space();
      const existing = { result: 'theirs', record: { id: 'rec-k5', state: 'filled', version: 3, hinted: false } };
      for (const s of [fast, slow]) {
        await s.idempotency.claim(claimInput('k5', 'i:r1'));
        await s.records.create('rec-k5', 'ord-k5', () => existing);
      }

      const a = await rpcsOf(() => fast.commit.commit(alertCommit('k5', 'i:r1', [creation('rec-k5', 'ord-k5'), creation('rec-k5b')])));
      const b = await slow.commit.commit(alertCommit('k5', 'i:r1', [creation('rec-k5', 'ord-k5'), creation('rec-k5b')]));

      expect(a.value).toEqual({ completed: true, created: [undefined, { hinted: false }] });
      expect(b).toEqual(a.value);
      expect(a.sent).toEqual(['commit', 'batchGetDocuments', 'commit']);
      const stored = await fast.dump();
      expect(stored).toEqual(await slow.dump());
      expect(stored.orders!['rec-k5']).toEqual(existing.record);
      // Only the new record's first event: the existing record's creation wrote none.
      expect(Object.keys(stored['order-outbox']!)).toEqual(['rec-k5b-v1']);
    });
  });

  it('any other failure is not a broken assumption: it is reported, with nothing written and no transaction tried', async () => {
    const fresh = createFreshClaims();
    const s = space(fresh);
    await s.idempotency.claim(claimInput('k6', 'i:r1'));
    // Over 1 MiB: INVALID_ARGUMENT, whatever the preconditions.
    const c = { ...alertCommit('k6', 'i:r1', [creation('rec-k6', 'ord-k6')]), audit: { ...auditFor('i:r1'), message: 'x'.repeat(1_100_000) } };

    await expect(s.commit.commit(c)).rejects.toBeInstanceOf(DependencyUnavailableError);

    expect(s.spied).toEqual({ transactions: 0, batches: 1 });
    const stored = await s.dump();
    expect(stored.idempotency!.k6).toMatchObject({ status: 'pending', owner: 'i:r1' });
    expect(stored.orders).toEqual({});
    expect(stored.audit).toEqual({});
  });
});

describe('the notes of created claims (Firestore emulator)', () => {
  it('are noted only by a first claim create, and dropped when the claim is released or completed apart', async () => {
    const fresh = createFreshClaims();
    const s = space(fresh);
    await s.idempotency.claim(claimInput('n1', 'i:r1'));
    await s.idempotency.claim(claimInput('n2', 'i:r2'));
    expect(fresh.size).toBe(2);

    await s.idempotency.release('n1', 'i:r1');
    await s.idempotency.complete('n2', 'i:r2', { status: 'placed' }, T0 + 1);
    expect(fresh.size).toBe(0);

    // A takeover (here of another instance's lapsed claim) is won through the transaction: nothing is
    // noted, so its commit reads first.
    await createFirestoreIdempotencyStore(db, { prefix: s.prefix }).claim(claimInput('n3', 'j:r3'));
    expect((await s.idempotency.claim(claimInput('n3', 'i:r4', T0 + LEASE_MS + 1))).kind).toBe('recover');
    expect(fresh.size).toBe(0);
    expect(await s.commit.commit(alertCommit('n3', 'i:r4', []))).toEqual({ completed: true, created: [] });
    expect(s.spied).toEqual({ transactions: 1, batches: 0 });
  });

  it('are bounded: the oldest note goes first, and its claim commits through the transaction', async () => {
    const fresh = createFreshClaims(2);
    const s = space(fresh);
    for (const n of [1, 2, 3]) await s.idempotency.claim(claimInput(`b${n}`, `i:r${n}`));
    expect(fresh.size).toBe(2);

    for (const n of [1, 2, 3]) expect(await s.commit.commit(alertCommit(`b${n}`, `i:r${n}`, []))).toEqual({ completed: true, created: [] });
    expect(s.spied).toEqual({ transactions: 1, batches: 2 });
    expect(fresh.size).toBe(0);
  });
});
