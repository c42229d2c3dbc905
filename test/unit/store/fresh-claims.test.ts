import type { Timestamp } from '@google-cloud/firestore';
import { createFreshClaims, type FreshClaim } from '../../../shared/store/firestore/fresh-claims';

const claim = (key: string, owner: string): FreshClaim => ({
  record: { key, status: 'pending', owner, requestId: owner, leaseUntil: 2, expiresAt: 3, createdAt: 1, updatedAt: 1, takeovers: 0 },
  // Never compared or sent here: the notes only keep it.
  writeTime: { key } as unknown as Timestamp,
});

describe('notes of created claims', () => {
  it('gives a note once, to the same key and owner only', () => {
    const notes = createFreshClaims();
    notes.note('k', 'a', claim('k', 'a'));
    expect(notes.take('k', 'b')).toBeUndefined();
    expect(notes.take('k', 'a')).toEqual(claim('k', 'a'));
    expect(notes.take('k', 'a')).toBeUndefined();
  });

  it('keeps keys and owners apart whatever characters they hold', () => {
    const notes = createFreshClaims();
    notes.note('a:b', 'c', claim('a:b', 'c'));
    expect(notes.take('a', 'b:c')).toBeUndefined();
    expect(notes.size).toBe(1);
  });

  it('holds at most its limit, dropping the oldest; noting again makes a note the newest', () => {
    const notes = createFreshClaims(2);
    notes.note('k1', 'a', claim('k1', 'a'));
    notes.note('k2', 'a', claim('k2', 'a'));
    notes.note('k1', 'a', claim('k1', 'a'));
    notes.note('k3', 'a', claim('k3', 'a'));
    expect(notes.size).toBe(2);
    expect(notes.take('k2', 'a')).toBeUndefined();
    expect(notes.take('k1', 'a')).toBeDefined();
    expect(notes.take('k3', 'a')).toBeDefined();
  });

  it('forgets a dropped note', () => {
    const notes = createFreshClaims();
    notes.note('k', 'a', claim('k', 'a'));
    notes.drop('k', 'a');
    expect(notes.size).toBe(0);
    expect(notes.take('k', 'a')).toBeUndefined();
  });
});
