import type { AppDeps } from '../../functions/composition';
import type { FakeFyers } from '../fake-fyers';
import { IN_WINDOW, WEBHOOK_SECRET, niftyOption, sampleContracts, startSampleBridge } from '../helpers/webhook-e2e-kit';
import { postAlert } from '../helpers/webhook-client';
import { useWebhookServer } from '../helpers/webhook-test-server';

/**
 * Accepted is not filled: an MPP "market" order may rest at the exchange. A strategy's book holds only
 * what filled, keeps the orders still open as pending, and its next alert settles them against the
 * orderbook (cancelling what still rests) before it plans. Each case is one a trader met: an entry
 * that rested and then filled after the strategy went flat; a reversal whose close rested while the
 * book already said the call was gone.
 */
jest.setTimeout(30_000);

const { index } = sampleContracts(IN_WINDOW);
const CE = niftyOption(index, IN_WINDOW, 24500, 'CE');
const PE = niftyOption(index, IN_WINDOW, 24500, 'PE');

const server = useWebhookServer();
let fake: FakeFyers;
let deps: AppDeps;

beforeEach(async () => {
  const bridge = await startSampleBridge({ label: 'resting', env: { LIMIT_PRICE_BAND_PERCENT: '100' }, instance: true });
  server.onCleanup(bridge.close);
  ({ fake, deps } = bridge);
});

const post = (body: Record<string, unknown>) => postAlert(server.url(), { token: WEBHOOK_SECRET, symbol: 'NIFTY', strategy: 'trend', qty: 1, ...body });
const sent = () => fake.state.orders.map((o) => `${o.side === 1 ? 'BUY' : 'SELL'} ${o.symbol} ${o.qty}`);
const working = () => fake.state.orders.filter((o) => o.status === 6).map((o) => `${o.side === 1 ? 'BUY' : 'SELL'} ${o.symbol} ${o.qty}`);
const netOf = (ticker: string) => [...fake.state.positions.values()].filter((p) => p.symbol === ticker).reduce((s, p) => s + p.netQty, 0);
const holding = async () => deps.adapters.holdings.get('trend', 'NIFTY');

it('a flat cancels the entry still resting from the long, so it can never fill into a position the strategy left', async () => {
  fake.state.restSymbols.add(CE.ticker);
  expect((await post({ position: 'long', idempotency_key: 'r-1' })).status).toBe(200);
  expect(working()).toEqual([`BUY ${CE.ticker} 65`]);
  // Nothing filled, so nothing is held; the order is pending.
  expect(await holding()).toMatchObject({ legs: [], pending: [expect.objectContaining({ intent: 'open', booked: 0, leg: expect.objectContaining({ ticker: CE.ticker, qty: 65 }) })] });

  const flat = await post({ position: 'flat', idempotency_key: 'r-2' });
  expect(flat.status).toBe(200);
  expect(flat.body.reason).toMatch(/cancelled its orders still resting/);
  expect(working()).toEqual([]);
  expect(sent()).toEqual([`BUY ${CE.ticker} 65`]);
  expect(netOf(CE.ticker)).toBe(0);
  expect((await holding())?.pending).toBeUndefined();
  expect(await deps.adapters.holdings.list({ strategy: 'trend' })).toEqual([]);
});

it('a flat books what the resting entry filled before it was cancelled, and closes exactly that', async () => {
  fake.state.restSymbols.add(CE.ticker);
  await post({ strategy: 'trend', position: 'long', qty: 2, idempotency_key: 'p-1' });
  const entry = fake.state.orders[0]!;
  // One lot of two fills; the rest keeps resting.
  fake.lifecycle.fillNow(entry.id, 65, 150);
  await fake.lifecycle.settled();
  fake.state.restSymbols.delete(CE.ticker);

  const flat = await post({ position: 'flat', idempotency_key: 'p-2' });
  expect(flat.status).toBe(200);
  expect(fake.state.orders[0]!.status).toBe(1);
  expect(sent()).toEqual([`BUY ${CE.ticker} 130`, `SELL ${CE.ticker} 65`]);
  expect(netOf(CE.ticker)).toBe(0);
  expect(await holding()).toMatchObject({ legs: [] });
});

it('a reversal whose close rests keeps the call in the book, and the next signal closes it for good', async () => {
  expect((await post({ position: 'long', idempotency_key: 'v-1' })).status).toBe(200);
  expect(netOf(CE.ticker)).toBe(65);

  fake.state.restSymbols.add(CE.ticker);
  const short = await post({ position: 'short', idempotency_key: 'v-2' });
  expect(short.status).toBe(200);
  expect(short.body.reason).toMatch(/closes resting unfilled/);
  expect(working()).toEqual([`SELL ${CE.ticker} 65`]);
  // The broker still holds the call: so does the book, with its close pending, beside the put.
  const afterShort = await holding();
  expect(afterShort?.legs.map((l) => `${l.side} ${l.ticker} ${l.qty}`).sort()).toEqual([`BUY ${CE.ticker} 65`, `BUY ${PE.ticker} 65`].sort());
  expect(afterShort?.pending).toEqual([expect.objectContaining({ intent: 'close', booked: 0, leg: expect.objectContaining({ ticker: CE.ticker, side: 'BUY' }) })]);

  // Flat: the resting close is cancelled and the call closed anew, with the put.
  fake.state.restSymbols.delete(CE.ticker);
  const flat = await post({ position: 'flat', idempotency_key: 'v-3' });
  expect(flat.status).toBe(200);
  expect(sent().slice(3).sort()).toEqual([`SELL ${CE.ticker} 65`, `SELL ${PE.ticker} 65`].sort());
  expect(working()).toEqual([]);
  expect(netOf(CE.ticker)).toBe(0);
  expect(netOf(PE.ticker)).toBe(0);
  expect(await deps.adapters.holdings.list({ strategy: 'trend' })).toEqual([]);
});

it('a close that filled after the reversal answered is booked by the next signal, which closes nothing twice', async () => {
  await post({ position: 'long', idempotency_key: 'f-1' });
  fake.state.restSymbols.add(CE.ticker);
  await post({ position: 'short', idempotency_key: 'f-2' });
  const close = fake.state.orders.find((o) => o.status === 6)!;
  fake.lifecycle.fillNow(close.id, close.qty, 140);
  await fake.lifecycle.settled();

  const flat = await post({ position: 'flat', idempotency_key: 'f-3' });
  expect(flat.status).toBe(200);
  expect(sent().slice(3)).toEqual([`SELL ${PE.ticker} 65`]);
  expect(netOf(CE.ticker)).toBe(0);
  expect(await deps.adapters.holdings.list({ strategy: 'trend' })).toEqual([]);
});
