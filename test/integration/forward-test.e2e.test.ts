import type { AppDeps } from '../../functions/composition';
import { handleReconcile } from '../../functions/reconcile-orders/reconcile-orders.handler';
import { handleSquareOff } from '../../functions/square-off/square-off.handler';
import { runConsoleAction } from '../../functions/console/console-actions';
import { dashboardPage } from '../../functions/console/console-pages';
import { gatherConsoleView } from '../../functions/console/console-view';
import type { OrderEventV1 } from '../../shared/orders/lifecycle/order-event';
import type { OrderRecord } from '../../shared/orders/lifecycle/order-record';
import type { FakeFyers } from '../fake-fyers';
import { IN_WINDOW, WEBHOOK_SECRET, niftyOption, sampleContracts, startSampleBridge, type TickingClock } from '../helpers/webhook-e2e-kit';
import { postAlert } from '../helpers/webhook-client';
import { useWebhookServer } from '../helpers/webhook-test-server';

/**
 * A forward test beside live trading (issue: protection and strategy risk, item 6): strategy `fwd` is
 * set to paper, `trend` is live, both long NIFTY calls. The live one's orders reach the fake Fyers; the
 * paper one's never do, yet it fills at Fyers' live price, gets its stop on the paper book, is filled
 * there by the reconcile when the live price falls through it, and is squared off on its own book.
 * Both appear in records and in the order events, the paper ones marked.
 */
jest.setTimeout(30_000);

const { index } = sampleContracts(IN_WINDOW);
const CE = niftyOption(index, IN_WINDOW, 24500, 'CE');
const server = useWebhookServer();
let fake: FakeFyers;
let deps: AppDeps;
let clock: TickingClock;
const events: OrderEventV1[] = [];

async function start(extra: Record<string, string> = {}, pinned?: TickingClock): Promise<void> {
  events.splice(0);
  const bridge = await startSampleBridge({
    ...(pinned ? { clock: pinned } : {}),
    label: 'forward-test', optionLtps: { [CE.ticker]: 150 }, instance: true,
    env: { LIMIT_PRICE_BAND_PERCENT: '100', PAPER_STRATEGIES: 'fwd', ...extra },
    overrides: { orderEvents: { publish: async (e) => void events.push(e) } },
  });
  server.onCleanup(bridge.close);
  ({ fake, deps, clock } = bridge);
}

const post = (body: Record<string, unknown>) => postAlert(server.url(), { token: WEBHOOK_SECRET, symbol: 'NIFTY', strikeprice: 24500, ...body });
const placed = () => fake.state.requests.filter((r) => r.route === 'place-order' || r.route === 'multi-order').length;
const day = async (store: AppDeps['adapters']['orderRecords']): Promise<OrderRecord[]> => store.listCreatedBetween(IN_WINDOW - 86_400_000, IN_WINDOW + 86_400_000);

it('the live strategy\'s orders reach Fyers, the paper one\'s do not; both are recorded and published, the paper ones marked', async () => {
  await start();
  const live = await post({ strategy: 'trend', position: 'long', qty: 1, idempotency_key: 'ft-live-1' });
  expect(live.status).toBe(200);
  expect(live.body.venue).toBeUndefined();
  expect(placed()).toBe(1);

  const paper = await post({ strategy: 'fwd', position: 'long', qty: 1, sl: 20, idempotency_key: 'ft-paper-1' });
  expect(paper.status).toBe(200);
  expect(paper.body).toMatchObject({ venue: 'paper', strategy: 'fwd' });
  // Filled at Fyers' live price of the same contract, on the paper book only.
  expect(paper.body.legs).toEqual([expect.objectContaining({ symbol: CE.ticker, status: 'filled', avgPrice: 150 })]);
  expect(placed()).toBe(1);
  expect(fake.state.orders.map((o) => o.symbol)).toEqual([CE.ticker]);
  expect(fake.state.orders.some((o) => o.id.startsWith('FWD'))).toBe(false);
  expect([...fake.state.positions.values()].reduce((s, p) => s + p.netQty, 0)).toBe(65);

  // Records: the live entry in the live store; the paper entry (filled at 150) and its stop in the paper store.
  const liveRecords = await day(deps.adapters.orderRecords);
  const paperRecords = await day(deps.adapters.forwardTest.orderRecords);
  expect(liveRecords.map((r) => [r.role, r.strategy])).toEqual([['entry', 'trend']]);
  const paperEntry = paperRecords.find((r) => r.role === 'entry')!;
  expect(paperEntry).toMatchObject({ strategy: 'fwd', symbol: CE.ticker, state: 'filled', avgPrice: 150 });
  expect(paperEntry.orderId).toMatch(/^FWD/);
  const stop = paperRecords.find((r) => r.parentId === paperEntry.id && r.role === 'stop');
  // Managed on the paper book (it has no TP/SL legs): an SL-L at 150 - 20, resting below its trigger.
  expect(stop).toMatchObject({ side: 'SELL', orderType: 'SL-L', state: 'accepted' });
  expect(paperEntry.exits?.stop).toMatchObject({ trigger: 130 });

  // Events: both published on the one topic; only the paper ones say so.
  const forRecord = (id: string) => events.filter((e) => e.recordId === id);
  expect(forRecord(liveRecords[0]!.id).length).toBeGreaterThan(0);
  expect(forRecord(liveRecords[0]!.id).every((e) => e.venue === undefined)).toBe(true);
  expect(forRecord(paperEntry.id).map((e) => e.state)).toEqual(expect.arrayContaining(['filled']));
  expect(forRecord(paperEntry.id).every((e) => e.venue === 'paper')).toBe(true);

  // Books apart: the live book holds trend, the paper book holds fwd.
  expect((await deps.adapters.holdings.list({})).map((h) => h.strategy)).toEqual(['trend']);
  expect((await deps.adapters.forwardTest.holdings.list({})).map((h) => h.strategy)).toEqual(['fwd']);

  // The live price falls through the paper stop's trigger (130) but stays above its limit: the
  // reconcile fills it on the paper book, at its limit, as the exchange would.
  fake.setLtp(CE.ticker, 128);
  clock.set(clock() + 60_000);
  const before = placed();
  const run = await handleReconcile(deps.reconcile);
  expect(run.status).toBe(200);
  expect(run.body.paper).toMatchObject({ changed: 1 });
  expect(await deps.adapters.forwardTest.orderRecords.get(stop!.id)).toMatchObject({ state: 'filled', avgPrice: paperEntry.exits!.stop!.limit });
  expect(events.filter((e) => e.recordId === stop!.id).map((e) => [e.state, e.venue])).toContainEqual(['filled', 'paper']);
  expect(placed()).toBe(before);
  // The live position is untouched by the paper stop.
  expect([...fake.state.positions.values()].reduce((s, p) => s + p.netQty, 0)).toBe(65);
});

it('square-off closes the paper strategy on its own book at its time, and sends nothing to Fyers for it', async () => {
  await start({ SQUARE_OFF_AT: '15:15,fwd=09:30' });
  expect((await post({ strategy: 'trend', position: 'long', qty: 1, idempotency_key: 'ft-live-2' })).status).toBe(200);
  expect((await post({ strategy: 'fwd', position: 'short', qty: 1, idempotency_key: 'ft-paper-2' })).status).toBe(200);
  const before = placed();
  const run = await handleSquareOff(deps.squareOff);
  expect(run.status).toBe(200);
  // Nothing live is due (15:15 is hours away); the paper strategy was due at 09:30 and is closed on paper.
  expect(run.body).toMatchObject({ status: 'idle', due: 0, paper: { status: 'placed', due: 1, legs: [expect.objectContaining({ role: 'close', side: 'SELL', status: 'filled' })] } });
  expect(await deps.adapters.forwardTest.holdings.list({})).toEqual([]);
  expect(placed()).toBe(before);
  expect((await deps.adapters.holdings.list({})).map((h) => h.strategy)).toEqual(['trend']);
});

it('a single-order alert labelled with a paper strategy is refused naming the field, and nothing is sent', async () => {
  await start();
  const r = await post({ strategy: 'fwd', action: 'BUY', optionType: 'CE', qty: 1, idempotency_key: 'ft-single' });
  expect(r.status).toBe(422);
  expect(JSON.stringify(r.body)).toContain('strategy');
  expect(placed()).toBe(0);
});

it('the console\'s switch wins over PAPER_STRATEGIES: a strategy set live trades at Fyers, one set paper does not', async () => {
  await start();
  await deps.adapters.controls.update({ strategyVenue: { fwd: 'live', trend: 'paper' } }, 'test', clock());
  expect((await post({ strategy: 'fwd', position: 'long', qty: 1, idempotency_key: 'ft-sw-1' })).body.venue).toBeUndefined();
  expect(placed()).toBe(1);
  expect((await post({ strategy: 'trend', position: 'long', qty: 1, idempotency_key: 'ft-sw-2' })).body.venue).toBe('paper');
  expect(placed()).toBe(1);
});

it('the console shows the paper strategy marked paper, acts on its own book, and switches a strategy only when it holds nothing on the side it leaves', async () => {
  await start();
  expect((await post({ strategy: 'trend', position: 'long', qty: 1, idempotency_key: 'ft-c-1' })).status).toBe(200);
  expect((await post({ strategy: 'fwd', position: 'long', qty: 1, idempotency_key: 'ft-c-2' })).status).toBe(200);

  const html = dashboardPage(await gatherConsoleView(deps.console.view), { base: '', csrf: 'c', sessionExpiresAt: clock() + 60_000 });
  const card = (id: string) => html.slice(html.indexOf(`id="${id}"`), html.indexOf('</article>', html.indexOf(`id="${id}"`)));
  expect(card('s-paper-fwd')).toContain('<span class="badge warn">paper</span>');
  expect(card('s-paper-fwd')).toContain('name="venue" value="paper"');
  expect(card('s-trend')).not.toContain('paper');
  expect(html).toMatch(/fwd: <strong>paper<\/strong>/);
  expect(html).toMatch(/trend: <strong>live<\/strong>/);

  // Still holding at the broker: trend cannot move to paper; fwd cannot move to live while it holds paper.
  const refused = await runConsoleAction(deps.console.actions, { kind: 'venue', strategy: 'trend', to: 'paper' });
  expect(refused).toMatchObject({ ok: false });
  expect(refused.summary).toContain('at the broker');
  expect((await runConsoleAction(deps.console.actions, { kind: 'venue', strategy: 'fwd', to: 'live' })).ok).toBe(false);

  // Flattening fwd from the console closes it on paper: Fyers gets nothing.
  const before = placed();
  const flat = await runConsoleAction(deps.console.actions, { kind: 'flatten', strategy: 'fwd', venue: 'paper' });
  expect(flat.ok).toBe(true);
  expect(placed()).toBe(before);
  expect(await deps.adapters.forwardTest.holdings.list({})).toEqual([]);
  expect((await deps.adapters.holdings.list({})).map((h) => h.strategy)).toEqual(['trend']);

  // Now flat on paper, fwd may go live; its next alert is a real order.
  expect((await runConsoleAction(deps.console.actions, { kind: 'venue', strategy: 'fwd', to: 'live' })).ok).toBe(true);
  expect((await deps.adapters.controls.get()).strategyVenue).toEqual({ fwd: 'live' });
  expect((await post({ strategy: 'fwd', position: 'short', qty: 1, idempotency_key: 'ft-c-3' })).body.venue).toBeUndefined();
  expect(placed()).toBe(before + 1);
});

it('a paper strategy\'s risk rules are judged on the paper book: past its stop it is flattened on paper and stopped, the live one untouched', async () => {
  await start({ STRATEGY_RISK: JSON.stringify({ fwd: { stop: 1000 }, trend: { stop: 50_000 } }) });
  expect((await post({ strategy: 'trend', position: 'long', qty: 1, idempotency_key: 'ft-r-1' })).status).toBe(200);
  expect((await post({ strategy: 'fwd', position: 'long', qty: 1, idempotency_key: 'ft-r-2' })).status).toBe(200);
  const before = placed();

  // The call falls 20 points: fwd (bought at 150 on paper) is 65 x -20 = -1300, past its stop of 1000.
  fake.setLtp(CE.ticker, 130);
  clock.set(clock() + 60_000);
  const run = await handleReconcile(deps.reconcile);
  expect(run.body).toMatchObject({ strategyRisk: { stopped: ['fwd'], mtm: { fwd: -1300 } } });
  expect(await deps.adapters.forwardTest.holdings.list({})).toEqual([]);
  expect((await deps.adapters.controls.get()).strategyDay?.fwd?.stopped).toMatchObject({ rule: 'stop' });
  // The paper flatten sent nothing to Fyers, and the live strategy in the same contract still holds.
  expect(placed()).toBe(before);
  expect((await deps.adapters.holdings.list({})).map((h) => h.strategy)).toEqual(['trend']);
  expect([...fake.state.positions.values()].reduce((s, p) => s + p.netQty, 0)).toBe(65);
  // Stopped for the day: its next open is refused by name.
  const next = await post({ strategy: 'fwd', position: 'long', qty: 1, idempotency_key: 'ft-r-3' });
  expect(next.status).toBe(422);
});

it('a paper reversal closes the old side and opens the new one on paper; the answer\'s top line is the new position, not the two added up', async () => {
  await start();
  expect((await post({ strategy: 'fwd', position: 'long', qty: 1, idempotency_key: 'ft-rev-1' })).status).toBe(200);
  const rev = await post({ strategy: 'fwd', position: 'short', qty: 1, idempotency_key: 'ft-rev-2' });
  expect(rev.status).toBe(200);
  const legs = rev.body.legs as Array<{ role: string; side: string; symbol: string; qty: number }>;
  expect(legs.map((l) => [l.role, l.side, l.symbol.endsWith('CE') ? 'CE' : 'PE', l.qty])).toEqual([['close', 'SELL', 'CE', 65], ['open', 'BUY', 'PE', 65]]);
  expect(rev.body).toMatchObject({ venue: 'paper', position: 'short', side: 'BUY', qty: 65, lots: 1 });
  expect(placed()).toBe(0);
  const held = await deps.adapters.forwardTest.holdings.list({ strategy: 'fwd' });
  expect(held.flatMap((h) => h.legs.map((l) => [l.optionType, l.side, l.qty]))).toEqual([['PE', 'BUY', 65]]);
});

it('the forward test and the webhook share one quote memory: a live reply right after a paper fill of the same contract shows its price without asking Fyers again', async () => {
  // A clock that does not tick: "within a second" holds however slow the machine is.
  let now = IN_WINDOW;
  const pinned = Object.assign(() => now, { set: (ms: number) => void (now = ms) }) as TickingClock;
  await start({}, pinned);
  const quotes = () => fake.state.requests.filter((r) => r.route === 'quotes').length;
  expect((await post({ strategy: 'fwd', position: 'long', qty: 1, idempotency_key: 'ft-quote-1' })).body.legs).toEqual([expect.objectContaining({ status: 'filled', avgPrice: 150 })]);
  const afterPaper = quotes();
  expect(afterPaper).toBeGreaterThan(0);
  const live = await post({ action: 'BUY', optionType: 'CE', qty: 1, idempotency_key: 'ft-quote-2' });
  expect(live.status).toBe(200);
  expect(live.body).toMatchObject({ symbol: CE.ticker, ltp: 150 });
  expect(quotes()).toBe(afterPaper);
});
