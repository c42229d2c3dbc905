import { createAttemptLimiter } from '../../../functions/operator-auth/attempt-limiter';
import { createOperatorKeyGate } from '../../../functions/operator-auth/operator-key';
import { TooManyRequestsError, UnauthorizedError } from '../../../shared/errors';
import { silentLogger } from '../../../shared/platform/logger';

describe('attempt limiter', () => {
  it('lets a few failures pass, then locks the source out for twice as long after each further one', () => {
    const l = createAttemptLimiter({ freeFailures: 3, baseLockMs: 1000, maxLockMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      expect(() => l.check('a', 0)).not.toThrow();
      l.failed('a', 0);
    }
    expect(() => l.check('a', 0)).not.toThrow();
    l.failed('a', 0); // 4th: 1 s
    expect(() => l.check('a', 999)).toThrow(TooManyRequestsError);
    expect(() => l.check('a', 1000)).not.toThrow();
    l.failed('a', 1000); // 5th: 2 s
    expect(() => l.check('a', 2999)).toThrow(TooManyRequestsError);
    l.failed('a', 3000); // 6th: 4 s
    let retry = 0;
    try {
      l.check('a', 3000);
    } catch (e) {
      retry = Number((e as TooManyRequestsError).details?.retryAfterMs);
    }
    expect(retry).toBe(4000);
    expect(() => l.check('b', 3000)).not.toThrow();
  });

  it('caps the lock and forgets a source after a success', () => {
    const l = createAttemptLimiter({ freeFailures: 0, baseLockMs: 1000, maxLockMs: 5000 });
    for (let i = 0; i < 40; i++) l.failed('a', 0);
    expect(() => l.check('a', 5001)).not.toThrow();
    l.succeeded('a');
    l.failed('a', 6000);
    expect(() => l.check('a', 7001)).not.toThrow();
  });

  it('bounds the sources it remembers', () => {
    const l = createAttemptLimiter({ freeFailures: 0, maxTracked: 10 });
    for (let i = 0; i < 100; i++) l.failed(`s${i}`, 0);
    expect(() => l.check('s0', 1)).not.toThrow();
    expect(() => l.check('s99', 1)).toThrow(TooManyRequestsError);
  });
});

describe('operator key gate', () => {
  it('issue 19: the right key works however many wrong ones came from the same address; wrong ones get 429 while locked', async () => {
    const gate = createOperatorKeyGate({
      secrets: { get: async () => 'the-operator-key' },
      clock: () => 0,
      logger: silentLogger,
      limiter: createAttemptLimiter({ freeFailures: 1 }),
    });
    await expect(gate.verify('nope', 's')).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(gate.verify('nope', 's')).rejects.toBeInstanceOf(UnauthorizedError);
    for (let i = 0; i < 1_000; i++) await expect(gate.verify(`guess-${i}`, 's')).rejects.toBeInstanceOf(TooManyRequestsError);
    await expect(gate.verify(undefined, 's')).rejects.toBeInstanceOf(TooManyRequestsError);
    await expect(gate.verify('the-operator-key', 's')).resolves.toBeUndefined();
    // The success does not open the box for the guesser's next try from elsewhere... nor keep the operator out.
    await expect(gate.verify('the-operator-key', 't')).resolves.toBeUndefined();
  });
});

describe('operator key gate and a rotated key', () => {
  it('a key that is not the remembered one is compared with a fresh read before it counts as wrong', async () => {
    const reads: string[] = [];
    const gate = createOperatorKeyGate({
      secrets: {
        get: async (_name, opts) => {
          reads.push(opts?.fresh ? 'fresh' : 'remembered');
          return opts?.fresh ? 'the-new-operator-key' : 'the-old-operator-key';
        },
      },
      clock: () => 0,
      logger: silentLogger,
      limiter: createAttemptLimiter({ freeFailures: 0 }),
    });
    await expect(gate.verify('the-new-operator-key', 's')).resolves.toBeUndefined();
    expect(reads).toEqual(['remembered', 'fresh']);
  });
});
