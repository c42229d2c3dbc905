import type { AppDeps } from '../../functions/composition';
import { handleReconcile } from '../../functions/reconcile-orders/reconcile-orders.handler';
import { handleSquareOff } from '../../functions/square-off/square-off.handler';
import { istInstant } from '../../shared/platform/ist';
import type { FakeFyers } from '../fake-fyers';
import { IN_WINDOW, WEBHOOK_SECRET, niftyOption, sampleContracts, startSampleBridge, type TickingClock } from '../helpers/webhook-e2e-kit';
import { postAlert } from '../helpers/webhook-client';
import { useWebhookServer } from '../helpers/webhook-test-server';
import type { Notification } from '../../shared/notify/notifier.port';

/**
 * The seams of a strategy's pending orders with everything else that moves its book: a structure's
 * rollback, the positions read beside the settle, a day roll, an orderbook that cannot be read, a
 * cancel that fails. Each case is one a review found; each asserts what the broker holds at the end.
 */
jest.setTimeout(30_000);
const DAY = '2026-07-22';
const { index } = sampleContracts(IN_WINDOW);
const CE = niftyOption(index, IN_WINDOW, 24500, 'CE');
const PE = niftyOption(index, IN_WINDOW, 24500, 'PE');
const condor = [
  { optionType: 'PE', strike: 'ATM-4', action: 'BUY' },
  { optionType: 'PE', strike: 'ATM-2', action: 'SELL' },
  { optionType: 'CE', strike: 'ATM+2', action: 'SELL' },
  { optionType: 'CE', strike: 'ATM+4', action: 'BUY' },
];
const hedgePE = niftyOption(index, IN_WINDOW, 24300, 'PE');
const shortCE = niftyOption(index, IN_WINDOW, 24600, 'CE');
const server = useWebhookServer();
let fake: FakeFyers;
let deps: AppDeps;
let clock: TickingClock;
let notes: Notification[];

async function start(env: Record<string, string> = {}): Promise<void> {
  const bridge = await startSampleBridge({ label: 'pending-seams', env: { LIMIT_PRICE_BAND_PERCENT: '100', ...env }, instance: true, notifier: 'record' });
  server.onCleanup(bridge.close);
  ({ fake, deps, clock } = bridge);
  notes = bridge.notes.sent;
}
const post = (body: Record<string, unknown>) => postAlert(server.url(), { token: WEBHOOK_SECRET, symbol: 'NIFTY', strategy: 'trend', qty: 1, ...body });
const sent = () => fake.state.orders.map((o) => `${o.side === 1 ? 'BUY' : 'SELL'} ${o.symbol} ${o.qty}`);
const working = () => fake.state.orders.filter((o) => o.status === 6).map((o) => `${o.side === 1 ? 'BUY' : 'SELL'} ${o.symbol} ${o.qty}`);
const netOf = (ticker: string) => [...fake.state.positions.values()].filter((p) => p.symbol === ticker).reduce((s, p) => s + p.netQty, 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (check()) return;
    await sleep(5);
  }
  throw new Error(`timed out waiting for ${what}`);
}

it('a structure\'s rollback exits what a resting leg filled before its cancel', async () => {
  await start();
  fake.lifecycle.setPlan((o) => (o.symbol === hedgePE.ticker && o.side === 1 ? { fills: [{ afterMs: 0, qty: 65 }] } : undefined));
  fake.rejectSymbol(shortCE.ticker, 'RMS:Margin Shortfall');
  const res = await post({ strategy: 'ic', legs: condor, qty: 2, idempotency_key: 'rb-1' });
  expect(res.status).toBe(422);
  await fake.lifecycle.settled();
  expect(netOf(hedgePE.ticker)).toBe(0);
  expect(await deps.adapters.holdings.list({ strategy: 'ic' })).toEqual([]);
});

it('a rollback exit that rests keeps the leg in the book with the exit pending, and the square-off closes it', async () => {
  await start({ SQUARE_OFF_AT: '15:15' });
  fake.lifecycle.setPlan((o) => (o.symbol === hedgePE.ticker && o.side === -1 ? { fills: [] } : undefined));
  fake.rejectSymbol(shortCE.ticker, 'RMS:Margin Shortfall');
  const res = await post({ strategy: 'ic', legs: condor, qty: 1, idempotency_key: 'rx-1' });
  expect(res.status).toBe(422);
  expect(netOf(hedgePE.ticker)).toBe(65);
  expect((await deps.adapters.holdings.get('ic', 'NIFTY'))).toMatchObject({
    legs: [expect.objectContaining({ ticker: hedgePE.ticker, side: 'BUY', qty: 65 })],
    pending: [expect.objectContaining({ intent: 'close', booked: 0 })],
  });
  fake.lifecycle.setPlan(undefined);
  clock.set(istInstant(DAY, 15, 15));
  await handleSquareOff(deps.squareOff);
  expect(netOf(hedgePE.ticker)).toBe(0);
  expect(working()).toEqual([]);
  expect(await deps.adapters.holdings.list({ strategy: 'ic' })).toEqual([]);
});

it('a pending entry that fills between the positions read and the settle is closed by the flat, not trimmed away', async () => {
  await start();
  fake.state.restSymbols.add(CE.ticker);
  expect((await post({ position: 'long', idempotency_key: 'st-1' })).status).toBe(200);
  const entry = fake.state.orders[0]!;
  fake.state.restSymbols.delete(CE.ticker);
  const seen = fake.state.requests.length;
  fake.inject('orderbook', { kind: 'latency', ms: 300 }, 1);
  const flat = post({ position: 'flat', idempotency_key: 'st-2' });
  await until(() => fake.state.requests.slice(seen).some((r) => r.route === 'orderbook'), 'the settle to read the orderbook');
  expect(fake.state.requests.slice(seen).some((r) => r.route === 'positions')).toBe(true);
  fake.lifecycle.fillNow(entry.id, 65, 150);
  const res = await flat;
  expect(res.status).toBe(200);
  expect(sent()).toEqual([`BUY ${CE.ticker} 65`, `SELL ${CE.ticker} 65`]);
  expect(netOf(CE.ticker)).toBe(0);
  expect(await deps.adapters.holdings.list({ strategy: 'trend' })).toEqual([]);
});

it('a MARGIN entry that filled after its alert is still booked the next day, when the orderbook no longer lists it', async () => {
  await start();
  fake.state.restSymbols.add(CE.ticker);
  expect((await post({ position: 'long', productType: 'MARGIN', idempotency_key: 'nd-1' })).status).toBe(200);
  const entry = fake.state.orders[0]!;
  fake.lifecycle.fillNow(entry.id, 65, 150);
  await fake.lifecycle.settled();
  fake.state.restSymbols.delete(CE.ticker);
  // The lifecycle follows the fill into the order's record (here the minute's reconcile; a postback does the same).
  await handleReconcile(deps.reconcile);
  expect(await deps.adapters.orderRecords.get(entry.id)).toMatchObject({ filledQty: 65 });
  // The day rolls: the orderbook is a day book; the carry-forward position stays.
  fake.state.orders.splice(0);
  const flat = await post({ position: 'flat', idempotency_key: 'nd-2' });
  expect(flat.status).toBe(200);
  expect(sent()).toEqual([`SELL ${CE.ticker} 65`]);
  expect(netOf(CE.ticker)).toBe(0);
});

it('an orderbook that cannot be read does not stop the square-off closing what is filled', async () => {
  await start({ SQUARE_OFF_AT: '15:15' });
  expect((await post({ strategy: 'scalper', position: 'long', idempotency_key: 'ob-1' })).status).toBe(200);
  fake.state.restSymbols.add(PE.ticker);
  expect((await post({ strategy: 'trend', position: 'short', idempotency_key: 'ob-2' })).status).toBe(200);
  expect(netOf(CE.ticker)).toBe(65);
  fake.inject('orderbook', { kind: 'status', status: 503, body: { s: 'error', code: 503, message: 'Service unavailable' } });
  clock.set(istInstant(DAY, 15, 15));
  const run = await handleSquareOff(deps.squareOff);
  fake.clearFaults();
  expect(netOf(CE.ticker)).toBe(0);
  // The pending put is left pending (nothing known of it), and the operator is told.
  expect(run.status).toBe(500);
  expect(notes.some((n) => n.kind === 'strategy.squared_off' && n.severity === 'critical')).toBe(true);
});

it('a flat whose cancel of the resting entry fails tells the operator at once, critical', async () => {
  await start();
  fake.state.restSymbols.add(CE.ticker);
  expect((await post({ position: 'long', idempotency_key: 'cf-1' })).status).toBe(200);
  fake.inject('cancel-order', { kind: 'status', status: 500, body: { s: 'error', code: -1, message: 'Something went wrong' } });
  const flat = await post({ position: 'flat', idempotency_key: 'cf-2' });
  fake.clearFaults();
  expect(flat.body.status).toBe('unknown');
  expect(flat.body.reason).toMatch(/could not cancel/);
  expect(notes.some((n) => n.severity === 'critical' && /could not cancel/.test(n.summary))).toBe(true);
  // Still pending: the next signal tries again.
  expect((await deps.adapters.holdings.get('trend', 'NIFTY'))?.pending).toHaveLength(1);
  const again = await post({ position: 'flat', idempotency_key: 'cf-3' });
  expect(again.status).toBe(200);
  expect(working()).toEqual([]);
});

it('a rolled-back leg whose rest the exchange cancelled is exited by what it filled, not by its planned size', async () => {
  await start();
  fake.lifecycle.setPlan((o) => (o.symbol === hedgePE.ticker && o.side === 1 ? { fills: [{ afterMs: 0, qty: 65 }] } : undefined));
  fake.rejectSymbol(shortCE.ticker, 'RMS:Margin Shortfall');
  fake.inject('cancel-order', { kind: 'latency', ms: 300 }, 1);
  const seen = fake.state.requests.length;
  const res = post({ strategy: 'ic', legs: condor, qty: 2, idempotency_key: 'rb-no-1' });
  await until(() => fake.state.requests.slice(seen).some((r) => r.route === 'cancel-order'), 'the rollback\'s cancel');
  const hedge = fake.state.orders.find((o) => o.symbol === hedgePE.ticker && o.side === 1)!;
  expect(hedge.filledQty).toBe(65);
  hedge.status = 1; // the exchange cancelled the rest: 65 of 130 filled, and the cancel finds nothing open
  expect((await res).status).toBe(422);
  await fake.lifecycle.settled();
  expect(netOf(hedgePE.ticker)).toBe(0);
  expect(await deps.adapters.holdings.list({ strategy: 'ic' })).toEqual([]);
});

it('a takeover of a structure close interrupted after its buy-backs books what was sent by tag, and keeps the longs', async () => {
  await start();
  const longPE = hedgePE;
  const longCE = niftyOption(index, IN_WINDOW, 24700, 'CE');
  expect((await post({ strategy: 'ic', legs: condor, qty: 1, idempotency_key: 'cc-1' })).status).toBe(200);
  fake.rejectSymbol(longPE.ticker, 'RMS:blocked');
  fake.rejectSymbol(longCE.ticker, 'RMS:blocked');
  const holdings = deps.adapters.holdings;
  const apply = holdings.apply.bind(holdings);
  let died!: () => void;
  const dying = new Promise<void>((r) => (died = r));
  holdings.apply = () => (died(), new Promise<never>(() => undefined));
  void post({ strategy: 'ic', legs: condor, qty: 1, intent: 'close', idempotency_key: 'cc-2' }).catch(() => undefined);
  await dying;
  holdings.apply = apply;
  fake.state.rejectSymbols.clear();
  clock.set(clock() + 60_000);
  const resend = await post({ strategy: 'ic', legs: condor, qty: 1, intent: 'close', idempotency_key: 'cc-2' });
  const book = await deps.adapters.holdings.get('ic', 'NIFTY');
  const booked = (t: string) => (book?.legs ?? []).filter((l) => l.ticker === t).reduce((s, l) => s + l.qty, 0);
  expect({ status: resend.body.status, longPE: booked(longPE.ticker), longCE: booked(longCE.ticker), brokerPE: netOf(longPE.ticker), brokerCE: netOf(longCE.ticker) })
    .toEqual({ status: 'unknown', longPE: 65, longCE: 65, brokerPE: 65, brokerCE: 65 });
});

