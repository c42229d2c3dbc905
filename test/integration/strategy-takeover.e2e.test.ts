import { IN_WINDOW, WEBHOOK_SECRET, niftyOption, sampleContracts, startSampleBridge } from '../helpers/webhook-e2e-kit';
import { postAlert } from '../helpers/webhook-client';
import { useWebhookServer } from '../helpers/webhook-test-server';

/**
 * An instance dies after a reversal's orders filled and before it booked them. The resend that takes
 * the alert over rebuilds its plan from the broker's positions as they are now (the close has filled,
 * so the plan holds only the open, at another place and with another tag). It must not send the open
 * a second time.
 */
jest.setTimeout(30_000);
const { index } = sampleContracts(IN_WINDOW);
const CE = niftyOption(index, IN_WINDOW, 24500, 'CE');
const PE = niftyOption(index, IN_WINDOW, 24500, 'PE');
const server = useWebhookServer();

it('a takeover of a reversal interrupted after its orders filled sends nothing new, and says so', async () => {
  const bridge = await startSampleBridge({ label: 'takeover', env: { LIMIT_PRICE_BAND_PERCENT: '100' }, instance: true, notifier: 'record' });
  server.onCleanup(bridge.close);
  const { fake, deps, clock, notes } = bridge;
  const post = (body: Record<string, unknown>) => postAlert(server.url(), { token: WEBHOOK_SECRET, symbol: 'NIFTY', strategy: 'trend', qty: 1, ...body });
  const netOf = (ticker: string) => [...fake.state.positions.values()].filter((p) => p.symbol === ticker).reduce((s, p) => s + p.netQty, 0);

  expect((await post({ position: 'long', idempotency_key: 'tk-1' })).status).toBe(200);

  // The reversal's instance dies while booking: its close and open have both filled at the broker.
  const holdings = deps.adapters.holdings;
  const apply = holdings.apply.bind(holdings);
  let died!: () => void;
  const dying = new Promise<void>((r) => (died = r));
  holdings.apply = () => (died(), new Promise<never>(() => undefined));
  // Its request never answers; the server's close at the end ends it.
  void post({ position: 'short', idempotency_key: 'tk-2' }).catch(() => undefined);
  await dying;
  holdings.apply = apply;
  expect(netOf(CE.ticker)).toBe(0);
  expect(netOf(PE.ticker)).toBe(65);
  const sentBefore = fake.state.orders.length;

  // TradingView's resend, after the dead instance's claim and lock have lapsed.
  clock.set(clock() + 60_000);
  const resend = await post({ position: 'short', idempotency_key: 'tk-2' });
  expect(fake.state.orders.length).toBe(sentBefore); // no second BUY of the put
  expect(netOf(PE.ticker)).toBe(65);
  expect(resend.body).toMatchObject({ status: 'unknown' });
  expect(notes.ofKind('order.unknown').some((n) => n.severity === 'critical' && /interrupted attempt/.test(n.summary))).toBe(true);
  // What the dead attempt sent is booked from the orderbook: the call closed, the put held.
  const book = await deps.adapters.holdings.get('trend', 'NIFTY');
  expect(book?.legs).toEqual([expect.objectContaining({ ticker: PE.ticker, side: 'BUY', qty: 65 })]);
  expect(book?.pending).toBeUndefined();

  // So the next signal plans from the truth: flat sells the put once, and nothing of the call.
  const flat = await post({ position: 'flat', idempotency_key: 'tk-3' });
  expect(flat.status).toBe(200);
  expect(fake.state.orders.slice(sentBefore).map((o) => `${o.side === 1 ? 'BUY' : 'SELL'} ${o.symbol} ${o.qty}`)).toEqual([`SELL ${PE.ticker} 65`]);
  expect(netOf(PE.ticker)).toBe(0);
  expect(await deps.adapters.holdings.list({ strategy: 'trend' })).toEqual([]);
});
