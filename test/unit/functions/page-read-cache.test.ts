import { gatherConsoleView, type ConsoleViewDeps } from '../../../functions/console/console-view';
import { runReadinessChecks, type ReadyzDeps } from '../../../functions/readyz/readyz.handler';
import { manualClock } from '../../../shared/platform/clock';
import { istInstant } from '../../../shared/platform/ist';
import { silentLogger } from '../../../shared/platform/logger';

/** The operator's pages reuse broker answers for a few seconds, so reloads do not spend the Fyers budget. */
function setUp() {
  const clock = manualClock(istInstant('2027-01-12', 11, 0));
  const calls = { session: 0, positions: 0, orders: 0, funds: 0 };
  const broker = {
    name: 'fyers' as const,
    checkSession: async () => (calls.session++, { valid: true, expiresAt: istInstant('2027-01-13', 6, 0) }),
    getPositions: async () => (calls.positions++, [{ symbol: 'NSE:X', netQty: 65, productType: 'INTRADAY' }]),
    getFunds: async () => (calls.funds++, { available: 100_000 }),
  };
  const readiness: ReadyzDeps = {
    clock,
    logger: silentLogger,
    broker: broker as never,
    symbols: async () => ({ version: 'v1', instrumentCount: 10 }) as never,
    probes: {},
    probeTimeoutMs: 1000,
    controls: async () => ({ tradingEnabled: true, reduceOnly: false }),
    session: { window: () => ({ startMin: 555, endMin: 930, holidays: [] }), enforce: true },
  };
  const view: ConsoleViewDeps = {
    clock,
    logger: silentLogger,
    readiness,
    controls: { get: async () => ({ tradingEnabled: true, reduceOnly: false }) } as never,
    audit: { list: async () => [], record: async () => undefined, countNoise: async () => undefined, noise: async () => [] },
    broker,
    orders: { today: async () => (calls.orders++, []) },
    notifications: { list: async () => [], append: async () => undefined },
    symbolMaster: async () => ({ version: 'v1', instruments: 10, source: 'test' }),
    defaultMaxLots: 10,
    partTimeoutMs: 1000,
    holdings: { list: async () => [] },
    records: { listCreatedBetween: async () => [] },
    symbols: async () => ({ byTicker: () => undefined }) as never,
  };
  return { clock, calls, readiness, view };
}

describe('page reads of the broker', () => {
  it('a burst of console reloads and readiness polls costs one session, positions and orders read', async () => {
    const { clock, calls, readiness, view } = setUp();
    await Promise.all([gatherConsoleView(view), gatherConsoleView(view), runReadinessChecks(readiness)]);
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      const page = await gatherConsoleView(view);
      expect(page.positions).toMatchObject({ ok: true, value: [expect.objectContaining({ netQty: 65 })] });
    }
    expect(calls).toEqual({ session: 1, positions: 1, orders: 1, funds: 1 });
  });

  it('reads the broker again once the answers are older than their reuse window', async () => {
    const { clock, calls, view } = setUp();
    await gatherConsoleView(view);
    clock.advance(15_000);
    await gatherConsoleView(view);
    expect(calls).toEqual({ session: 2, positions: 2, orders: 2, funds: 2 });
  });
});
