import { paceWindows } from '../../../../shared/broker/fyers/pace-windows';

describe('pace windows', () => {
  it('keeps a whole rate as one window of its own length', () => {
    expect(paceWindows(8, 1000)).toEqual([{ calls: 8, ms: 1000 }]);
    expect(paceWindows(180, 60_000)).toEqual([{ calls: 180, ms: 60_000 }]);
  });

  it('stretches the window of a rate below one: 0.5/s is one call per two seconds', () => {
    expect(paceWindows(0.5, 1000)).toEqual([{ calls: 1, ms: 2000 }]);
    expect(paceWindows(0.125, 1000)).toEqual([{ calls: 1, ms: 8000 }]);
  });

  it('holds a fractional rate above one by its average and by a cap per window', () => {
    // 2.5/min: 2 calls per 48 s on average, never more than 3 in any minute.
    expect(paceWindows(2.5, 60_000)).toEqual([
      { calls: 2, ms: 48_000 },
      { calls: 3, ms: 60_000 },
    ]);
  });

  it('rounds windows up, never down, so rounding cannot speed an instance up', () => {
    const [w] = paceWindows(1 / 3, 1000);
    expect(w!.ms).toBeGreaterThanOrEqual(3000);
    expect(w!.calls / w!.ms).toBeLessThanOrEqual(1 / 3 / 1000);
  });

  it('refuses rates that are not positive numbers', () => {
    for (const bad of [0, -1, Number.NaN, Infinity]) expect(() => paceWindows(bad, 1000)).toThrow(RangeError);
  });
});
