import { backgroundWork, settledWithin } from '../../../shared/platform/background-work';

const never = new Promise<never>(() => undefined);

describe('settledWithin (how long an answer waits for work it started)', () => {
  it('is true once the work settles, whether it succeeded or failed, and never rejects', async () => {
    await expect(settledWithin(Promise.resolve('done'), 60_000)).resolves.toBe(true);
    await expect(settledWithin(Promise.reject(new Error('failed')), 60_000)).resolves.toBe(true);
  });

  it('is false when the time runs out first', async () => {
    await expect(settledWithin(never, 0)).resolves.toBe(false);
  });
});

describe('backgroundWork', () => {
  it('is idle once every piece of work, including work added meanwhile, has settled', async () => {
    const bg = backgroundWork();
    let release!: () => void;
    bg.add(
      new Promise<void>((r) => (release = r)).then(() => {
        bg.add(Promise.reject(new Error('a failed follow-up still settles')));
      }),
    );
    expect(bg.size).toBe(1);
    const idle = bg.idle(60_000);
    release();
    await expect(idle).resolves.toBe(true);
    expect(bg.size).toBe(0);
  });

  it('gives up waiting after its bound, reporting not idle', async () => {
    const bg = backgroundWork();
    bg.add(never);
    await expect(bg.idle(0)).resolves.toBe(false);
  });
});
