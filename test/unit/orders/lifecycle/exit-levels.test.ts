import { exitLevels, trailedStop } from '../../../../shared/orders/lifecycle/exit-levels';
import type { ManagedExits } from '../../../../shared/orders/lifecycle/order-record';

const long = { side: 'BUY' as const, avgPrice: 200 };
const short = { side: 'SELL' as const, avgPrice: 200 };

describe('exit levels', () => {
  it('prices percent stops and targets from the fill', () => {
    expect(exitLevels(long, { slPct: 10, tpPct: 25, tickSize: 0.05 }, 0.02)).toEqual({ stop: { trigger: 180, limit: 176.4 }, target: 250 });
    expect(exitLevels(short, { slPct: 10, tickSize: 0.05 }, 0.02).stop?.trigger).toBe(220);
  });
});

describe('trailing stop', () => {
  const ex = (over: Partial<ManagedExits> = {}): ManagedExits => ({ slPoints: 20, trailPoints: 10, tickSize: 0.05, stop: { tag: 'S', qty: 65, status: 'placed', orderId: '1', trigger: 180 }, ...over });

  it('moves one step per full step in favour, from where the stop was placed, never before', () => {
    expect(trailedStop(long, ex(), 209.95, 0.02).stop).toBeUndefined();
    expect(trailedStop(long, ex(), 210, 0.02).stop?.trigger).toBe(190);
    expect(trailedStop(long, ex(), 231, 0.02)).toMatchObject({ best: 231, stop: { trigger: 210 } });
  });

  it('never lowers: a fall leaves the best price and the stop where they were', () => {
    const e = ex({ trailBest: 231, stop: { tag: 'S', qty: 65, status: 'placed', orderId: '1', trigger: 210 } });
    expect(trailedStop(long, e, 150, 0.02)).toEqual({ best: 231 });
  });

  it('a short entry trails downwards; a percent trail is a share of the fill', () => {
    const e = ex({ trailPoints: undefined, trailPct: 5, stop: { tag: 'S', qty: 65, status: 'placed', orderId: '1', trigger: 220 } });
    expect(trailedStop(short, e, 189, 0.02).stop?.trigger).toBe(210);
  });
});
