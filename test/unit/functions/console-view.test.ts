import { gatherConsoleView, type ConsoleViewDeps } from '../../../functions/console/console-view';
import { dashboardPage } from '../../../functions/console/console-pages';
import { silentLogger } from '../../../shared/platform/logger';
import { istInstant } from '../../../shared/platform/ist';

const NOW = istInstant('2027-01-12', 11, 0);

function deps(over: Partial<ConsoleViewDeps> = {}): ConsoleViewDeps {
  return {
    clock: () => NOW,
    logger: silentLogger,
    readiness: {
      clock: () => NOW,
      logger: silentLogger,
      broker: { name: 'fyers', checkSession: async () => ({ valid: true, expiresAt: istInstant('2027-01-13', 6, 0) }) } as never,
      symbols: async () => ({ version: 'v1', instrumentCount: 10 }) as never,
      probes: {},
      probeTimeoutMs: 1000,
      controls: async () => ({ tradingEnabled: true, reduceOnly: false }),
      session: { window: () => ({ startMin: 555, endMin: 930, holidays: [] }), enforce: true },
    },
    controls: { get: async () => ({ tradingEnabled: true, reduceOnly: false }) } as never,
    audit: { list: async () => [], record: async () => undefined, countNoise: async () => undefined, noise: async () => [] },
    broker: { name: 'fyers', getPositions: async () => [{ symbol: 'NSE:X', netQty: 65, productType: 'INTRADAY', pnl: -12.5 }], getFunds: async () => ({ available: 50_000 }) },
    holdings: { list: async () => [] },
    records: { listCreatedBetween: async () => [] },
    symbols: async () => ({ byTicker: () => undefined }) as never,
    orders: { today: async () => [] },
    notifications: { list: async () => [], append: async () => undefined },
    symbolMaster: async () => ({ version: 'v1', instruments: 10, source: 'test' }),
    defaultMaxLots: 10,
    partTimeoutMs: 50,
    ...over,
  };
}

const ctx = { base: '', csrf: 'c', loginUrl: 'https://example.test/authUrl', sessionExpiresAt: NOW + 60_000 };

describe('console view', () => {
  it('shows a hanging or failing part as unavailable and still renders the rest', async () => {
    const view = await gatherConsoleView(deps({ broker: { name: 'fyers', getPositions: () => new Promise(() => undefined), getFunds: async () => ({ available: 1 }) }, audit: { list: async () => Promise.reject(new Error('store down')), record: async () => undefined, countNoise: async () => undefined, noise: async () => [] } }));
    expect(view.positions).toEqual({ ok: false, error: 'unavailable right now' });
    expect(view.alerts.ok).toBe(false);
    expect(view.controls.ok).toBe(true);
    const html = dashboardPage(view, ctx);
    expect(html).toMatch(/id="positions">.*Could not be read: unavailable right now/s);
    expect(html).toContain('Trading is ON');
  });

  it('escapes everything that came from outside (alert fields, notification text)', async () => {
    const view = await gatherConsoleView(
      deps({
        audit: {
          list: async () => [{ requestId: 'r', receivedAt: NOW, day: '2027-01-12', status: 'alert_invalid', httpStatus: 400, latencyMs: 3, alert: { strategy: '<script>x</script>' }, fields: { '<b>': '"><img>' } }],
          record: async () => undefined,
          countNoise: async () => undefined,
          noise: async () => [],
        },
        notifications: { list: async () => [{ kind: 'alert.refused', severity: 'warning', summary: '<i>hi</i>', at: NOW }], append: async () => undefined },
      }),
    );
    const html = dashboardPage(view, ctx);
    expect(html).not.toContain('<script>x');
    expect(html).not.toContain('<img>');
    expect(html).not.toContain('<i>hi');
    expect(html).toContain('&#60;script&#62;x');
  });

  it('the broker card tells the truth in every mode', async () => {
    const fyers = await gatherConsoleView(deps());
    expect(dashboardPage(fyers, ctx)).toMatch(/id="login-link" href="https:\/\/example.test\/authUrl"/);
    // Fyers without a login page: it says so, never that no login is needed.
    const noLink = dashboardPage(fyers, { ...ctx, loginUrl: undefined });
    expect(noLink).toContain('No login page is configured for this server');
    expect(noLink).not.toMatch(/needs no login|no broker login/);
    const paper = await gatherConsoleView(deps({ broker: { name: 'paper', getPositions: async () => [], getFunds: async () => ({ available: 1 }) } as never }));
    const paperHtml = dashboardPage(paper, ctx);
    expect(paperHtml).toContain('no broker login exists or is needed');
    expect(paperHtml).not.toContain('id="login-link"');
  });

  it('reloads itself without script, and says the P&L and funds on the first screen', async () => {
    const html = dashboardPage(await gatherConsoleView(deps()), ctx);
    expect(html).toContain('<meta http-equiv="refresh" content="60">');
    expect(html).toMatch(/id="day-pnl"[^>]*><span class="bad">−₹12.50<\/span>/);
    expect(html).toMatch(/id="funds"[^>]*>₹50,000.00/);
    expect(html).toContain('Stop trading: refuse every new alert');
  });

  it('offers the paper/live switch for strategy ids only, and shows the forward test\'s side marked paper', async () => {
    const rec = (strategy: string, id: string) => ({ id, requestId: 'r', role: 'entry', symbol: 'NSE:X', side: 'BUY', qty: 65, productType: 'INTRADAY', orderType: 'MARKET', state: 'filled', filledQty: 65, avgPrice: 100, version: 2, createdAt: NOW, updatedAt: NOW, strategy }) as never;
    const view = await gatherConsoleView(deps({
      records: { listCreatedBetween: async () => [rec('ORB 15m', 'a'), rec('trend', 'b')] },
      forwardTest: {
        broker: { getPositions: async () => [] },
        holdings: { list: async () => [] },
        records: { listCreatedBetween: async () => [rec('fwd', 'FWD1')] },
      },
      paperStrategies: ['fwd'],
    }));
    const html = dashboardPage(view, ctx);
    expect(html).toMatch(/trend: <strong>live<\/strong>/);
    expect(html).toMatch(/fwd: <strong>paper<\/strong>/);
    // A single order's free-text label has a card but no switch: it cannot trade on paper.
    expect(html).toContain('ORB 15m');
    expect(html).not.toMatch(/ORB 15m: <strong>/);
    expect(html).toContain('id="s-paper-fwd"');
  });
  it('counts what a pending entry filled since its alert as held, and says what still waits at the broker', async () => {
    const CE = 'NSE:NIFTY26JAN24500CE';
    const pending = { orderTag: 'tvabc0o0', intent: 'open' as const, leg: { ticker: CE, optionType: 'CE' as const, side: 'BUY' as const, qty: 130, lotSize: 65, productType: 'INTRADAY' as const }, booked: 0 };
    // The fill postback moved the record to 65 filled; the book learns it at the strategy's next alert.
    const entry = { id: 'E1', orderId: 'E1', orderTag: 'tvabc0o0', requestId: 'r', role: 'entry', symbol: CE, side: 'BUY', qty: 130, productType: 'INTRADAY', orderType: 'MARKET', state: 'partially_filled', filledQty: 65, avgPrice: 100, version: 2, createdAt: NOW, updatedAt: NOW, strategy: 'trend' } as never;
    const view = await gatherConsoleView(deps({
      holdings: { list: async () => [{ strategy: 'trend', underlying: 'NIFTY', legs: [], pending: [pending], updatedAt: NOW, applied: [] }] },
      records: { listCreatedBetween: async () => [entry] },
    }));
    const html = dashboardPage(view, ctx);
    expect(html).toMatch(/Long 65 /);
    expect(html).toMatch(/Still at the broker, settled by its next signal: open buy 130 .* \(65 filled\)/);
    expect(html).toContain('Flatten trend');
  });
});
