import type { AppDeps } from '../../functions/composition';
import { handleReconcile } from '../../functions/reconcile-orders/reconcile-orders.handler';
import { handleWebhook } from '../../functions/webhook/webhook.handler';
import type { FakeFyers } from '../fake-fyers';
import { IN_WINDOW, WEBHOOK_SECRET, niftyOption, sampleContracts, startSampleBridge, tickingClock, type SampleBridge } from '../helpers/webhook-e2e-kit';
import { isolatedProject } from './helpers/e2e-project';

/**
 * The forward test on the real Firestore emulator with two bridge instances (two Cloud Run instances,
 * each its own Firestore client): a paper strategy's entry and stop are placed by one instance, the
 * stop is filled by the other instance's reconcile from the shared paper book, and orders placed on
 * the book from both instances at once are all kept, each under its own id.
 */
jest.setTimeout(120_000);

const { index } = sampleContracts(IN_WINDOW);
const CE = niftyOption(index, IN_WINDOW, 24500, 'CE');
let bridge: SampleBridge | undefined;
let fake: FakeFyers;
let a: AppDeps;
let b: AppDeps;
let clock: ReturnType<typeof tickingClock>;

beforeAll(async () => {
  clock = tickingClock(IN_WINDOW);
  bridge = await startSampleBridge({
    label: 'forward-test', store: 'firestore', projectId: isolatedProject('forward-test'), clock, optionLtps: { [CE.ticker]: 150 },
    env: { LIMIT_PRICE_BAND_PERCENT: '100', PAPER_STRATEGIES: 'fwd' },
  });
  ({ fake, deps: a } = bridge);
  b = await bridge.another();
  await Promise.all([a.warmUp(), b.warmUp()]);
});

afterAll(() => bridge?.close());

const send = (deps: AppDeps, body: Record<string, unknown>) =>
  handleWebhook(deps.webhook, { method: 'POST', rawBody: Buffer.from(JSON.stringify({ token: WEBHOOK_SECRET, symbol: 'NIFTY', strikeprice: 24500, ...body })), headers: {}, sourceIp: '127.0.0.1' });
const placed = () => fake.state.requests.filter((r) => r.route === 'place-order' || r.route === 'multi-order').length;

it('one instance places the paper entry and stop, the other instance\'s reconcile fills the stop; Fyers sees only the live strategy', async () => {
  expect((await send(b, { strategy: 'trend', position: 'long', qty: 1, idempotency_key: 'fs-ft-live' })).status).toBe(200);
  const paper = await send(a, { strategy: 'fwd', position: 'long', qty: 1, sl: 20, idempotency_key: 'fs-ft-paper' });
  expect(paper.status).toBe(200);
  expect(paper.body).toMatchObject({ venue: 'paper' });
  expect(placed()).toBe(1);

  const day = (deps: AppDeps) => deps.adapters.forwardTest.orderRecords.listCreatedBetween(IN_WINDOW - 86_400_000, IN_WINDOW + 86_400_000);
  // Instance b reads what instance a recorded: the paper records live in Firestore, apart from the live ones.
  const records = await day(b);
  const entry = records.find((r) => r.role === 'entry')!;
  const stop = records.find((r) => r.role === 'stop' && r.parentId === entry.id)!;
  expect(entry).toMatchObject({ strategy: 'fwd', state: 'filled', avgPrice: 150 });
  expect(stop).toMatchObject({ state: 'accepted', orderType: 'SL-L' });
  expect((await b.adapters.orderRecords.listCreatedBetween(IN_WINDOW - 86_400_000, IN_WINDOW + 86_400_000)).map((r) => r.strategy)).toEqual(['trend']);

  fake.setLtp(CE.ticker, 128);
  clock.set(clock() + 60_000);
  const run = await handleReconcile(b.reconcile);
  expect(run.body.paper).toMatchObject({ changed: 1 });
  expect(await a.adapters.forwardTest.orderRecords.get(stop.id)).toMatchObject({ state: 'filled' });
  expect(await a.adapters.forwardTest.holdings.list({})).toEqual([expect.objectContaining({ strategy: 'fwd' })]);
  expect(placed()).toBe(1);
});

it('orders placed on the shared paper book from two instances at once are all kept, each under its own id', async () => {
  const brokerOf = (deps: AppDeps) => deps.webhook.forwardTest!.broker;
  const order = (tag: string) => ({ symbol: CE.ticker, qty: 65, side: 'BUY' as const, orderType: 'LIMIT' as const, limitPrice: 1, productType: 'INTRADAY' as const, orderTag: tag });
  const outcomes = await Promise.all(Array.from({ length: 16 }, (_, i) => brokerOf(i % 2 ? a : b).placeOrder(order(`race${i}`))));
  const ids = outcomes.map((o) => (o.status === 'placed' ? o.orderId : `not placed: ${JSON.stringify(o)}`));
  expect(new Set(ids).size).toBe(16);
  const book = await brokerOf(a).findOrders({});
  expect(book.filter((o) => o.orderTag?.startsWith('race')).map((o) => o.orderId).sort()).toEqual([...ids].sort());
});
