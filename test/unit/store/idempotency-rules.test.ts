import { decideClaim, decideComplete, decideRelease } from '../../../shared/store/idempotency-rules';
import type { ClaimInput, FinishedResult, IdempotencyRecord } from '../../../shared/store/idempotency.port';

const NOW = 1_800_000_000_000;
const input = (over: Partial<ClaimInput> = {}): ClaimInput => ({ key: 'k', owner: 'me:r2', requestId: 'r2', orderTag: 'tagNew', nowMs: NOW, leaseMs: 30_000, ttlMs: 86_400_000, ...over });
const record = (over: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
  key: 'k', status: 'pending', owner: 'other:r1', requestId: 'r1', orderTag: 'tagOld', leaseUntil: NOW + 10_000,
  expiresAt: NOW + 3_600_000, createdAt: NOW - 5_000, updatedAt: NOW - 5_000, takeovers: 0, ...over,
});
const done = (status: FinishedResult['status']): FinishedResult => ({ status });

describe('claim rules', () => {
  it('a first claim is fresh: pending, owned, with the lease, TTL and the given tag', () => {
    const d = decideClaim(undefined, input());
    expect(d.result.kind).toBe('claimed');
    expect(d.write).toEqual({ key: 'k', status: 'pending', owner: 'me:r2', requestId: 'r2', orderTag: 'tagNew', leaseUntil: NOW + 30_000, expiresAt: NOW + 86_400_000, createdAt: NOW, updatedAt: NOW, takeovers: 0 });
  });

  it('an untaggable alert (no orderTag) gets a record without one', () => {
    expect(decideClaim(undefined, input({ orderTag: undefined })).write).not.toHaveProperty('orderTag');
  });

  it('an expired record is as good as gone: a fresh claim', () => {
    const d = decideClaim(record({ status: 'placed', expiresAt: NOW }), input());
    expect(d.result.kind).toBe('claimed');
    expect(d.write?.orderTag).toBe('tagNew');
  });

  it.each(['placed', 'rejected'] as const)('a %s record is completed: replayed, nothing written', (status) => {
    const existing = record({ status, result: done(status) });
    expect(decideClaim(existing, input())).toEqual({ result: { kind: 'completed', record: existing } });
  });

  it.each(['placed', 'rejected', 'unknown'] as const)('a body-derived key finished (%s) longer than the window ago is a new alert', (status) => {
    const existing = record({ status, updatedAt: NOW - 60_000 });
    expect(decideClaim(existing, input({ reclaimCompletedAfterMs: 60_000 })).result.kind).toBe('claimed');
    expect(decideClaim(existing, input({ reclaimCompletedAfterMs: 60_001 })).result.kind).not.toBe('claimed');
  });

  it('a live pending claim is in flight: nothing written', () => {
    const existing = record({ leaseUntil: NOW + 1 });
    expect(decideClaim(existing, input())).toEqual({ result: { kind: 'in-flight', record: existing } });
  });

  it('our own live claim read back (a create whose answer was lost, retried) is ours: claimed, not a 409', () => {
    const existing = record({ owner: 'me:r2', requestId: 'r2', leaseUntil: NOW + 30_000 });
    expect(decideClaim(existing, input())).toEqual({ result: { kind: 'claimed', record: existing } });
  });

  it('a pending claim whose lease lapsed is taken over for recovery, keeping its tag and creation time', () => {
    const d = decideClaim(record({ leaseUntil: NOW }), input());
    expect(d.result).toMatchObject({ kind: 'recover', previous: 'pending' });
    expect(d.write).toMatchObject({ status: 'pending', owner: 'me:r2', requestId: 'r2', orderTag: 'tagOld', createdAt: NOW - 5_000, leaseUntil: NOW + 30_000, takeovers: 1, recoveredFrom: 'pending' });
  });

  it('an unknown outcome inside the window is recovered (looked up), never replayed as done', () => {
    const d = decideClaim(record({ status: 'unknown', leaseUntil: NOW - 1 }), input({ reclaimCompletedAfterMs: 60_000 }));
    expect(d.result).toMatchObject({ kind: 'recover', previous: 'unknown' });
  });

  it('a lapsed takeover reports the state it was taken over from', () => {
    const d = decideClaim(record({ leaseUntil: NOW - 1, recoveredFrom: 'unknown', takeovers: 2 }), input());
    expect(d.result).toMatchObject({ kind: 'recover', previous: 'unknown' });
    expect(d.write).toMatchObject({ takeovers: 3, recoveredFrom: 'unknown' });
  });

  it('the TTL never shrinks on a takeover', () => {
    const d = decideClaim(record({ leaseUntil: NOW - 1, expiresAt: NOW + 999_999_999 }), input());
    expect(d.write?.expiresAt).toBe(NOW + 999_999_999);
  });
});

describe('complete and release rules', () => {
  it('complete: only the owner of a pending claim may record, and the recovery marker goes', () => {
    const mine = record({ owner: 'me:r2', recoveredFrom: 'unknown' });
    expect(decideComplete(mine, 'someone-else', done('placed'), NOW)).toBeUndefined();
    expect(decideComplete(record({ owner: 'me:r2', status: 'placed' }), 'me:r2', done('placed'), NOW)).toBeUndefined();
    expect(decideComplete(undefined, 'me:r2', done('placed'), NOW)).toBeUndefined();
    const next = decideComplete(mine, 'me:r2', done('rejected'), NOW);
    expect(next).toMatchObject({ status: 'rejected', result: { status: 'rejected' }, updatedAt: NOW, leaseUntil: NOW });
    expect(next).not.toHaveProperty('recoveredFrom');
  });

  it('release: a fresh claim is deleted; a takeover goes back to its state with the lease lapsed; others are kept', () => {
    expect(decideRelease(record({ owner: 'me:r2' }), 'me:r2')).toEqual({ kind: 'delete' });
    const back = decideRelease(record({ owner: 'me:r2', recoveredFrom: 'unknown' }), 'me:r2');
    expect(back).toMatchObject({ kind: 'write', record: { status: 'unknown', leaseUntil: 0, orderTag: 'tagOld' } });
    expect(back.kind === 'write' && back.record).not.toHaveProperty('recoveredFrom');
    expect(decideRelease(record({ owner: 'other:r1' }), 'me:r2')).toEqual({ kind: 'keep' });
    expect(decideRelease(record({ owner: 'me:r2', status: 'placed' }), 'me:r2')).toEqual({ kind: 'keep' });
    expect(decideRelease(undefined, 'me:r2')).toEqual({ kind: 'keep' });
  });
});
