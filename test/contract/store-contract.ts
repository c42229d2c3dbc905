/**
 * One behavioural contract for every store adapter. Each suite takes `open(space)`: opening the same
 * space twice must reach the same data (that is how "restart" is tested), different spaces must not
 * see each other. The local and Firestore test files run these same suites.
 */
import type { OrderResult } from '../../shared/orders/order-result';
import type { AuditEntry, AuditLog } from '../../shared/store/audit.port';
import type { ControlsStore } from '../../shared/store/controls.port';
import type { ClaimInput, IdempotencyStore } from '../../shared/store/idempotency.port';
import type { LeaseStore } from '../../shared/store/lease.port';
import type { OAuthStateStore } from '../../shared/store/oauth-state.port';
import type { StoredToken, TokenStore } from '../../shared/tokens/token.port';

export type Open<T> = (space: string) => T;

let spaceCounter = 0;
/** A fresh namespace for one test, so tests never share state and need no cleanup. */
export function newSpace(): string {
  spaceCounter += 1;
  return `s${spaceCounter}`;
}

const T0 = Date.UTC(2026, 0, 5, 4, 0); // a fixed instant; stores never read the wall clock
const LEASE = 30_000;
const TTL = 24 * 3600_000;

function claimInput(key: string, owner: string, nowMs: number, extra: Partial<ClaimInput> = {}): ClaimInput {
  return { key, owner, requestId: `req-${owner}`, orderTag: `tag${owner}`, nowMs, leaseMs: LEASE, ttlMs: TTL, ...extra };
}

function result(status: OrderResult['status'], extra: Partial<OrderResult> = {}): OrderResult {
  return {
    status,
    requestId: 'req-a',
    orderId: status === 'placed' ? 'ORD-1' : undefined,
    symbol: 'NSE:NIFTY26JAN24000CE',
    side: 'BUY',
    productType: 'INTRADAY',
    lots: 2,
    qty: 150,
    ltp: 101.5,
    // Optional fields left undefined must not break a store (Firestore rejects undefined by default).
    reason: status === 'placed' ? undefined : 'why',
    ...extra,
  };
}

export function idempotencyContract(open: Open<IdempotencyStore<OrderResult>>): void {
  describe('idempotency store', () => {
    let store: IdempotencyStore<OrderResult>;
    let space: string;
    beforeEach(() => {
      space = newSpace();
      store = open(space);
    });

    it('grants a fresh claim with the lease, TTL and tag the caller asked for', async () => {
      const r = await store.claim(claimInput('k:fresh', 'a', T0));
      expect(r.kind).toBe('claimed');
      expect(r.record).toMatchObject({
        key: 'k:fresh', status: 'pending', owner: 'a', requestId: 'req-a', orderTag: 'taga',
        leaseUntil: T0 + LEASE, expiresAt: T0 + TTL, createdAt: T0, updatedAt: T0, takeovers: 0,
      });
      expect(await store.get('k:fresh')).toMatchObject({ status: 'pending', owner: 'a', expiresAt: T0 + TTL });
    });

    it('returns undefined for a key never claimed', async () => {
      expect(await store.get('k:never')).toBeUndefined();
    });

    it('replays the stored result to a later duplicate once completed', async () => {
      await store.claim(claimInput('k:done', 'a', T0));
      expect(await store.complete('k:done', 'a', result('placed'), T0 + 500)).toBe(true);
      const dup = await store.claim(claimInput('k:done', 'b', T0 + 1000));
      expect(dup.kind).toBe('completed');
      expect(dup.record.status).toBe('placed');
      expect(dup.record.owner).toBe('a');
      expect(dup.record.result).toEqual(JSON.parse(JSON.stringify(result('placed'))));
    });

    it('treats a rejected outcome as final too', async () => {
      await store.claim(claimInput('k:rej', 'a', T0));
      await store.complete('k:rej', 'a', result('rejected'), T0 + 10);
      const dup = await store.claim(claimInput('k:rej', 'b', T0 + 20));
      expect(dup.kind).toBe('completed');
      expect(dup.record.result?.reason).toBe('why');
    });

    it('answers in-flight while the first claim is live', async () => {
      await store.claim(claimInput('k:live', 'a', T0));
      const second = await store.claim(claimInput('k:live', 'b', T0 + LEASE - 1));
      expect(second.kind).toBe('in-flight');
      expect(second.record.owner).toBe('a');
      expect((await store.get('k:live'))?.owner).toBe('a');
    });

    it('lets exactly one of many concurrent callers claim a key', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.claim(claimInput('k:race', `o${i}`, T0))),
      );
      expect(results.filter((r) => r.kind === 'claimed')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'in-flight')).toHaveLength(19);
    });

    it('hands an abandoned claim to the next caller as recover, keeping tag and creation time', async () => {
      await store.claim(claimInput('k:abandoned', 'a', T0));
      const r = await store.claim(claimInput('k:abandoned', 'b', T0 + LEASE));
      expect(r.kind).toBe('recover');
      if (r.kind !== 'recover') return;
      expect(r.previous).toBe('pending');
      expect(r.record).toMatchObject({
        owner: 'b', requestId: 'req-b', orderTag: 'taga', createdAt: T0, takeovers: 1, status: 'pending', leaseUntil: T0 + 2 * LEASE,
      });
      // The new owner now holds a live lease: a third caller waits.
      expect((await store.claim(claimInput('k:abandoned', 'c', T0 + LEASE + 1))).kind).toBe('in-flight');
    });

    it('hands an unknown outcome to the next caller as recover at once, with the earlier result', async () => {
      await store.claim(claimInput('k:unknown', 'a', T0));
      await store.complete('k:unknown', 'a', result('unknown', { reason: 'timeout' }), T0 + 100);
      const r = await store.claim(claimInput('k:unknown', 'b', T0 + 200));
      expect(r.kind).toBe('recover');
      if (r.kind !== 'recover') return;
      expect(r.previous).toBe('unknown');
      expect(r.record.owner).toBe('b');
      expect(r.record.takeovers).toBe(1);
      expect(r.record.result?.reason).toBe('timeout');
      expect((await store.claim(claimInput('k:unknown', 'c', T0 + 300))).kind).toBe('in-flight');
    });

    it('ignores complete() from a caller that does not own the claim', async () => {
      await store.claim(claimInput('k:owner', 'a', T0));
      expect(await store.complete('k:owner', 'intruder', result('placed'), T0 + 1)).toBe(false);
      expect(await store.get('k:owner')).toMatchObject({ status: 'pending', owner: 'a' });
      expect((await store.get('k:owner'))?.result).toBeUndefined();
    });

    it('ignores complete() from an owner whose claim was taken over', async () => {
      await store.claim(claimInput('k:late', 'a', T0));
      await store.claim(claimInput('k:late', 'b', T0 + LEASE + 1));
      expect(await store.complete('k:late', 'a', result('placed'), T0 + LEASE + 2)).toBe(false);
      expect(await store.complete('k:late', 'b', result('placed', { orderId: 'ORD-B' }), T0 + LEASE + 3)).toBe(true);
      expect((await store.get('k:late'))?.result?.orderId).toBe('ORD-B');
    });

    it('does not complete a key that was never claimed', async () => {
      expect(await store.complete('k:ghost', 'a', result('placed'), T0)).toBe(false);
      expect(await store.get('k:ghost')).toBeUndefined();
    });

    it('release() by the owner frees the key for a fresh claim', async () => {
      await store.claim(claimInput('k:rel', 'a', T0));
      await store.release('k:rel', 'a');
      expect(await store.get('k:rel')).toBeUndefined();
      expect((await store.claim(claimInput('k:rel', 'b', T0 + 1))).kind).toBe('claimed');
    });

    it('release() by anyone else, or of a completed record, changes nothing', async () => {
      await store.claim(claimInput('k:norel', 'a', T0));
      await store.release('k:norel', 'b');
      expect((await store.claim(claimInput('k:norel', 'b', T0 + 1))).kind).toBe('in-flight');
      await store.complete('k:norel', 'a', result('placed'), T0 + 2);
      await store.release('k:norel', 'a');
      expect((await store.claim(claimInput('k:norel', 'b', T0 + 3))).kind).toBe('completed');
    });

    it('release() of a taken-over unknown claim puts it back to unknown, keeping its tag', async () => {
      await store.claim(claimInput('k:relrec', 'a', T0));
      await store.complete('k:relrec', 'a', result('unknown'), T0 + 1);
      await store.claim(claimInput('k:relrec', 'b', T0 + 2));
      await store.release('k:relrec', 'b');
      expect(await store.get('k:relrec')).toMatchObject({ status: 'unknown', orderTag: 'taga' });
      const again = await store.claim(claimInput('k:relrec', 'c', T0 + 3));
      expect(again.kind).toBe('recover');
      if (again.kind === 'recover') expect(again.previous).toBe('unknown');
    });

    it('reports the original unknown state when a recovering owner also dies', async () => {
      await store.claim(claimInput('k:twice', 'a', T0));
      await store.complete('k:twice', 'a', result('unknown'), T0 + 1);
      await store.claim(claimInput('k:twice', 'b', T0 + 2));
      const r = await store.claim(claimInput('k:twice', 'c', T0 + 2 + LEASE));
      expect(r.kind).toBe('recover');
      if (r.kind !== 'recover') return;
      expect(r.previous).toBe('unknown');
      expect(r.record.takeovers).toBe(2);
    });

    it('treats a completed record older than reclaimCompletedAfterMs as a new alert', async () => {
      const window = 120_000;
      await store.claim(claimInput('b:body', 'a', T0, { reclaimCompletedAfterMs: window }));
      await store.complete('b:body', 'a', result('placed'), T0 + 1000);
      const inside = await store.claim(claimInput('b:body', 'b', T0 + 1000 + window - 1, { reclaimCompletedAfterMs: window }));
      expect(inside.kind).toBe('completed');
      const after = await store.claim(claimInput('b:body', 'c', T0 + 1000 + window, { reclaimCompletedAfterMs: window }));
      expect(after.kind).toBe('claimed');
      expect(after.record).toMatchObject({ owner: 'c', orderTag: 'tagc', takeovers: 0, createdAt: T0 + 1000 + window });
      expect(after.record.result).toBeUndefined();
    });

    it('treats an unknown outcome older than the window as a new alert for body keys, but recovers it inside the window', async () => {
      const window = 120_000;
      await store.claim(claimInput('b:unknown', 'a', T0, { reclaimCompletedAfterMs: window }));
      await store.complete('b:unknown', 'a', result('unknown'), T0 + 1000);
      const inside = await store.claim(claimInput('b:unknown', 'b', T0 + 1000 + window - 1, { reclaimCompletedAfterMs: window }));
      expect(inside.kind).toBe('recover');
      const t2 = T0 + 1000 + window;
      await store.complete('b:unknown', 'b', result('unknown'), t2);
      const later = await store.claim(claimInput('b:unknown', 'c', t2 + window, { reclaimCompletedAfterMs: window }));
      expect(later.kind).toBe('claimed');
      expect(later.record).toMatchObject({ owner: 'c', takeovers: 0 });
    });

    it('keeps replaying a completed record forever when no reclaim window is given', async () => {
      await store.claim(claimInput('k:forever', 'a', T0));
      await store.complete('k:forever', 'a', result('placed'), T0 + 1);
      expect((await store.claim(claimInput('k:forever', 'b', T0 + TTL - 1))).kind).toBe('completed');
    });

    it('treats a record past its TTL as gone, whether or not it was deleted yet', async () => {
      await store.claim(claimInput('k:ttl', 'a', T0));
      await store.complete('k:ttl', 'a', result('placed'), T0 + 1);
      const r = await store.claim(claimInput('k:ttl', 'b', T0 + TTL));
      expect(r.kind).toBe('claimed');
      expect(r.record.owner).toBe('b');
    });

    it('keeps claims across a restart (a new store object on the same data)', async () => {
      await store.claim(claimInput('k:restart', 'a', T0));
      expect((await open(space).claim(claimInput('k:restart', 'b', T0 + 1))).kind).toBe('in-flight');
      expect(await open(space).complete('k:restart', 'a', result('placed'), T0 + 2)).toBe(true);
      const replay = await open(space).claim(claimInput('k:restart', 'c', T0 + 3));
      expect(replay.kind).toBe('completed');
      expect(replay.record.result?.orderId).toBe('ORD-1');
    });

    it('keeps different spaces apart', async () => {
      await store.claim(claimInput('k:space', 'a', T0));
      expect((await open(newSpace()).claim(claimInput('k:space', 'b', T0))).kind).toBe('claimed');
    });
  });
}

function auditEntry(requestId: string, day: string, status: string, receivedAt: number, extra: Partial<AuditEntry> = {}): AuditEntry {
  return { requestId, day, status, receivedAt, httpStatus: status === 'placed' ? 201 : 422, latencyMs: 40, ...extra };
}

export function auditContract(open: Open<AuditLog>): void {
  describe('audit log', () => {
    let log: AuditLog;
    let space: string;
    beforeEach(() => {
      space = newSpace();
      log = open(space);
    });

    it('lists a day newest first, filtered by status and limited', async () => {
      await log.record(auditEntry('r1', '2026-01-05', 'placed', T0 + 1));
      await log.record(auditEntry('r2', '2026-01-05', 'rejected', T0 + 2));
      await log.record(auditEntry('r3', '2026-01-05', 'placed', T0 + 3));
      await log.record(auditEntry('r4', '2026-01-06', 'placed', T0 + 4));

      expect((await log.list({ day: '2026-01-05' })).map((e) => e.requestId)).toEqual(['r3', 'r2', 'r1']);
      expect((await log.list({ day: '2026-01-05', status: 'placed' })).map((e) => e.requestId)).toEqual(['r3', 'r1']);
      expect((await log.list({ day: '2026-01-05', limit: 1 })).map((e) => e.requestId)).toEqual(['r3']);
      expect((await log.list({ day: '2026-01-06' })).map((e) => e.requestId)).toEqual(['r4']);
      expect(await log.list({ day: '2026-01-07' })).toEqual([]);
    });

    it('round-trips nested detail and drops undefined fields', async () => {
      const entry = auditEntry('r-detail', '2026-01-05', 'placed', T0, {
        idempotencyKey: 'k:abc',
        alert: { symbol: 'NIFTY', qty: 2, nested: { a: [1, 2] } },
        brokerResponse: { s: 'ok', id: 'ORD-1' },
        message: undefined,
      });
      await log.record(entry);
      const [got] = await log.list({ day: '2026-01-05' });
      expect(got).toEqual(JSON.parse(JSON.stringify(entry)));
      expect(got).not.toHaveProperty('message');
    });

    it('counts unauthenticated requests per day, hour and source, apart from the entries (issue 19)', async () => {
      await Promise.all([log.countNoise('2026-01-05', 9, '203.0.113.9'), log.countNoise('2026-01-05', 9, '203.0.113.9')]);
      await log.countNoise('2026-01-05', 10, '203.0.113.9');
      await log.countNoise('2026-01-05', 9, '2001:db8::1');
      await log.countNoise('2026-01-06', 9, '203.0.113.9');
      const day = (await log.noise('2026-01-05')).sort((a, b) => a.hour - b.hour || a.source.localeCompare(b.source));
      expect(day).toEqual([
        { day: '2026-01-05', hour: 9, source: '2001:db8::1', count: 1 },
        { day: '2026-01-05', hour: 9, source: '203.0.113.9', count: 2 },
        { day: '2026-01-05', hour: 10, source: '203.0.113.9', count: 1 },
      ]);
      expect(await log.list({ day: '2026-01-05' })).toEqual([]);
      expect(await log.noise('2026-01-07')).toEqual([]);
    });

    it('lets a later record of the same request supersede the earlier one', async () => {
      await log.record(auditEntry('r-same', '2026-01-05', 'in-flight', T0));
      await log.record(auditEntry('r-same', '2026-01-05', 'placed', T0 + 5));
      const all = await log.list({ day: '2026-01-05' });
      expect(all).toHaveLength(1);
      expect(all[0]?.status).toBe('placed');
    });

    it('keeps entries across a restart', async () => {
      await log.record(auditEntry('r-keep', '2026-01-05', 'placed', T0));
      expect((await open(space).list({ day: '2026-01-05' })).map((e) => e.requestId)).toEqual(['r-keep']);
    });
  });
}

export function controlsContract(open: Open<ControlsStore>): void {
  describe('controls store', () => {
    let store: ControlsStore;
    let space: string;
    beforeEach(() => {
      space = newSpace();
      store = open(space);
    });

    it('starts from the defaults with no history', async () => {
      expect(await store.get()).toEqual({ tradingEnabled: true, reduceOnly: false });
      expect(await store.history()).toEqual([]);
    });

    it('applies a patch and records who changed what, newest first', async () => {
      const first = await store.update({ tradingEnabled: false }, 'ops@desk', T0);
      expect(first).toEqual({
        actor: 'ops@desk', at: T0,
        before: { tradingEnabled: true, reduceOnly: false },
        after: { tradingEnabled: false, reduceOnly: false },
      });
      await store.update({ maxLots: 4, dailyOrderCap: 50 }, 'lead', T0 + 10);
      expect(await store.get()).toEqual({ tradingEnabled: false, reduceOnly: false, maxLots: 4, dailyOrderCap: 50 });
      const history = await store.history();
      expect(history.map((h) => [h.actor, h.at])).toEqual([['lead', T0 + 10], ['ops@desk', T0]]);
      expect(history[0]?.before).toEqual({ tradingEnabled: false, reduceOnly: false });
      expect(await store.history(1)).toHaveLength(1);
    });

    it('clears an override given as undefined', async () => {
      await store.update({ maxLots: 3 }, 'a', T0);
      const change = await store.update({ maxLots: undefined }, 'b', T0 + 1);
      expect(change.after).toEqual({ tradingEnabled: true, reduceOnly: false });
      expect(await store.get()).not.toHaveProperty('maxLots');
    });

    it('computes a change given as a function from the controls as they stand: switches of different strategies made at once all land', async () => {
      const other = open(space);
      const ids = ['s1', 's2', 's3', 's4', 's5', 's6'];
      await Promise.all(ids.map((id, i) => (i % 2 === 0 ? store : other).update((current) => ({ strategyVenue: { ...current.strategyVenue, [id]: 'paper' } }), `op-${id}`, T0 + i)));
      expect((await store.get()).strategyVenue).toEqual(Object.fromEntries(ids.map((id) => [id, 'paper'])));
      expect(await store.history()).toHaveLength(ids.length);
    });

    it('keeps controls and history across a restart', async () => {
      await store.update({ reduceOnly: true }, 'a', T0);
      expect((await open(space).get()).reduceOnly).toBe(true);
      expect(await open(space).history()).toHaveLength(1);
    });

    it('never lets concurrent reservations pass the daily cap, and counts days apart', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => store.reserveDailyOrder('2026-01-05', 3)));
      expect(results.filter(Boolean)).toHaveLength(3);
      expect(await store.reserveDailyOrder('2026-01-05', 3)).toBe(false);
      // Raising the cap lets more through on the same day; the count carried on.
      expect(await store.reserveDailyOrder('2026-01-05', 4)).toBe(true);
      expect(await store.reserveDailyOrder('2026-01-05', 4)).toBe(false);
      expect(await store.reserveDailyOrder('2026-01-06', 3)).toBe(true);
      expect(await open(space).reserveDailyOrder('2026-01-05', 4)).toBe(false);
    });

    it('gives a released slot back to the day, and never counts below zero', async () => {
      expect(await store.reserveDailyOrder('2026-01-08', 1)).toBe(true);
      expect(await store.reserveDailyOrder('2026-01-08', 1)).toBe(false);
      await store.releaseDailyOrder('2026-01-08');
      expect(await store.reserveDailyOrder('2026-01-08', 1)).toBe(true);
      await store.releaseDailyOrder('2026-01-09');
      await store.releaseDailyOrder('2026-01-09');
      expect(await store.reserveDailyOrder('2026-01-09', 1)).toBe(true);
      expect(await store.reserveDailyOrder('2026-01-09', 1)).toBe(false);
    });

    it('refuses everything under a cap of zero', async () => {
      expect(await store.reserveDailyOrder('2026-01-07', 0)).toBe(false);
    });
  });
}

export function tokenContract(open: Open<TokenStore>): void {
  describe('token store', () => {
    const token: StoredToken = { accessToken: 'eyJ.access', refreshToken: 'eyJ.refresh', expiresAt: T0 + 3600_000, obtainedAt: T0, source: 'login' };

    it('has no token until one is saved, then returns the latest', async () => {
      const space = newSpace();
      const store = open(space);
      expect(await store.current()).toBeUndefined();
      await store.save(token);
      expect(await store.current()).toEqual(token);
      const refreshed: StoredToken = { accessToken: 'eyJ.new', expiresAt: T0 + 7200_000, obtainedAt: T0 + 10, source: 'refresh' };
      await store.save(refreshed);
      expect(await store.current()).toEqual(refreshed);
      expect(await open(space).current()).toEqual(refreshed);
    });
  });
}

export function leaseContract(open: Open<LeaseStore>): void {
  describe('lease store', () => {
    let leases: LeaseStore;
    beforeEach(() => {
      leases = open(newSpace());
    });

    it('admits one holder until the lease lapses, and lets the holder renew', async () => {
      expect(await leases.tryAcquire('refresh', 'a', 1000, T0)).toBe(true);
      expect(await leases.tryAcquire('refresh', 'b', 1000, T0 + 500)).toBe(false);
      expect(await leases.tryAcquire('refresh', 'a', 1000, T0 + 900)).toBe(true);
      expect(await leases.tryAcquire('refresh', 'b', 1000, T0 + 1500)).toBe(false);
      expect(await leases.tryAcquire('refresh', 'b', 1000, T0 + 1900)).toBe(true);
      expect(await leases.tryAcquire('other-job', 'c', 1000, T0)).toBe(true);
    });

    it('releases only for the holder', async () => {
      await leases.tryAcquire('job', 'a', 60_000, T0);
      await leases.release('job', 'b');
      expect(await leases.tryAcquire('job', 'b', 60_000, T0 + 1)).toBe(false);
      await leases.release('job', 'a');
      expect(await leases.tryAcquire('job', 'b', 60_000, T0 + 2)).toBe(true);
    });

    it('grants a contended lease to exactly one of many owners', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => leases.tryAcquire('hot', `o${i}`, 60_000, T0)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });
}

export function oauthStateContract(open: Open<OAuthStateStore>): void {
  describe('OAuth state store', () => {
    let states: OAuthStateStore;
    beforeEach(() => {
      states = open(newSpace());
    });

    it('accepts a state once, then reports it used', async () => {
      await states.create('st-one', T0 + 600_000);
      expect(await states.consume('st-one', T0 + 1)).toBe('ok');
      expect(await states.consume('st-one', T0 + 2)).toBe('used');
    });

    it('reports states it never issued, and expired ones', async () => {
      expect(await states.consume('st-never', T0)).toBe('unknown');
      await states.create('st-old', T0 + 1000);
      expect(await states.consume('st-old', T0 + 1000)).toBe('expired');
      // An expired state is not consumed: it stays expired rather than becoming "used".
      expect(await states.consume('st-old', T0 + 2000)).toBe('expired');
    });

    it('lets only one of many concurrent callbacks consume a state', async () => {
      await states.create('st-race', T0 + 600_000);
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => states.consume('st-race', T0 + 1)));
      expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'used')).toHaveLength(9);
    });
  });
}
