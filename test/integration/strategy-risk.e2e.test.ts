import type { AppDeps } from '../../functions/composition';
import { handleReconcile } from '../../functions/reconcile-orders/reconcile-orders.handler';
import type { Notification } from '../../shared/notify/notifier.port';
import type { FakeFyers } from '../fake-fyers';
import { IN_WINDOW, WEBHOOK_SECRET, niftyOption, sampleContracts, startSampleBridge } from '../helpers/webhook-e2e-kit';
import { postAlert } from '../helpers/webhook-client';
import { useWebhookServer } from '../helpers/webhook-test-server';

/**
 * Per-strategy risk (STRATEGY_RISK) end to end: the scheduled reconcile reads the account's positions
 * once, finds the strategy past its stop, flattens that strategy only through the executor, stops it
 * for the day (its next alert is refused by name) and tells the operator the rule and the figures.
 */
jest.setTimeout(30_000);

const { index } = sampleContracts(IN_WINDOW);
const CE = niftyOption(index, IN_WINDOW, 24500, 'CE');
const PE = niftyOption(index, IN_WINDOW, 24500, 'PE');
const server = useWebhookServer();
let fake: FakeFyers;
let deps: AppDeps;
let notes: Notification[];

async function start(rules: Record<string, unknown>): Promise<void> {
  const bridge = await startSampleBridge({ label: 'strategy-risk', env: { LIMIT_PRICE_BAND_PERCENT: '100', STRATEGY_RISK: JSON.stringify(rules) }, notifier: 'record', instance: true });
  server.onCleanup(bridge.close);
  ({ fake, deps } = bridge);
  notes = bridge.notes.sent;
}

const post = (body: Record<string, unknown>) => postAlert(server.url(), { token: WEBHOOK_SECRET, symbol: 'NIFTY', ...body });
const netOf = (ticker: string) => [...fake.state.positions.values()].filter((p) => p.symbol === ticker).reduce((s, p) => s + p.netQty, 0);

it('MTM past a strategy\'s stop flattens that strategy only, stops it for the day, and notifies naming the rule and figures', async () => {
  await start({ scalp: { stop: 1000 }, trend: { stop: 50_000 } });
  expect((await post({ strategy: 'scalp', position: 'long', qty: 1, idempotency_key: 'sr-1' })).status).toBe(200);
  expect((await post({ strategy: 'trend', position: 'short', qty: 1, idempotency_key: 'sr-2' })).status).toBe(200);
  expect([netOf(CE.ticker), netOf(PE.ticker)]).toEqual([65, 65]);

  // Nothing hit yet: nothing sent.
  let run = await handleReconcile(deps.reconcile);
  expect(run.body).toMatchObject({ strategyRisk: { stopped: [] } });

  // The call falls 20 points: scalp is 65 x -20 = -1300, past its stop of 1000.
  const ceLtp = fake.state.ltp.get(CE.ticker) ?? 100; // the fake's default price, which the buy filled at
  fake.setLtp(CE.ticker, ceLtp - 20);
  const positionsBefore = fake.state.requests.filter((r) => r.route === 'positions').length;
  run = await handleReconcile(deps.reconcile);
  expect(run.body).toMatchObject({ strategyRisk: { stopped: ['scalp'], mtm: { scalp: -1300 } } });
  // One read judged both strategies; the flatten read the positions once more, for scalp only.
  expect(fake.state.requests.filter((r) => r.route === 'positions').length - positionsBefore).toBe(2);
  expect(netOf(CE.ticker)).toBe(0);
  expect(netOf(PE.ticker)).toBe(65); // trend's position stays
  expect((await deps.adapters.holdings.get('trend', 'NIFTY'))?.legs).toEqual([expect.objectContaining({ ticker: PE.ticker, qty: 65 })]);

  const told = notes.filter((n) => n.kind === 'strategy.risk');
  expect(told).toHaveLength(1);
  expect(told[0]!.summary).toMatch(/^Strategy scalp: MTM ₹-1,300 reached its stop of -₹1,000\. Flattened placed .*scalp is stopped for today\.$/);

  // Stopped for the day: scalp's next alert is refused by name; trend still trades.
  const refused = await post({ strategy: 'scalp', position: 'long', qty: 1, idempotency_key: 'sr-3' });
  expect(refused.status).toBe(422);
  expect(JSON.stringify(refused.body)).toMatch(/Strategy scalp is stopped for today by its stop rule/);
  expect((await post({ strategy: 'trend', position: 'flat', idempotency_key: 'sr-4' })).status).toBe(200);
  expect(netOf(PE.ticker)).toBe(0);

  // A later run does not act twice.
  await handleReconcile(deps.reconcile);
  expect(notes.filter((n) => n.kind === 'strategy.risk')).toHaveLength(1);
});

it('the profit lock: after +X, giving back more than Y flattens the strategy; the daily target flattens the other at its figure', async () => {
  await start({ locked: { lockAfter: 1000, lockGiveBack: 500 }, daily: { dailyTarget: 1300 } });
  expect((await post({ strategy: 'locked', position: 'long', qty: 1, idempotency_key: 'pl-1' })).status).toBe(200);
  expect((await post({ strategy: 'daily', position: 'short', qty: 1, idempotency_key: 'pl-2' })).status).toBe(200);
  const ce = fake.state.ltp.get(CE.ticker) ?? 100;
  const pe = fake.state.ltp.get(PE.ticker) ?? 100;

  fake.setLtp(CE.ticker, ce + 20); // locked +1300: the lock is armed, best 1300
  fake.setLtp(PE.ticker, pe + 10); // daily +650
  expect((await handleReconcile(deps.reconcile)).body).toMatchObject({ strategyRisk: { stopped: [] } });
  fake.setLtp(CE.ticker, ce + 14); // locked +910: 390 back from its best, inside the lock
  expect((await handleReconcile(deps.reconcile)).body).toMatchObject({ strategyRisk: { stopped: [] } });
  fake.setLtp(CE.ticker, ce + 12); // locked +780: 520 back, past the lock
  fake.setLtp(PE.ticker, pe + 20); // daily +1300: its daily target
  const run = await handleReconcile(deps.reconcile);
  expect(run.body).toMatchObject({ strategyRisk: { stopped: ['locked', 'daily'], mtm: { locked: 780, daily: 1300 } } });
  expect([netOf(CE.ticker), netOf(PE.ticker)]).toEqual([0, 0]);
  const told = notes.filter((n) => n.kind === 'strategy.risk').map((n) => n.summary);
  expect(told.find((s) => s.startsWith('Strategy locked'))).toMatch(/gave back ₹520 from its best of ₹1,300 \(profit lock: after ₹1,000, at most ₹500 back\)/);
  expect(told.find((s) => s.startsWith('Strategy daily'))).toMatch(/reached the daily profit target of ₹1,300/);
});

it('an entry that rested and filled after its alert counts in the strategy\'s MTM, and the flatten closes it', async () => {
  await start({ scalp: { stop: 1000 } });
  fake.state.restSymbols.add(CE.ticker);
  expect((await post({ strategy: 'scalp', position: 'long', qty: 1, idempotency_key: 'rf-1' })).status).toBe(200);
  const entry = fake.state.orders[0]!;
  const ceLtp = fake.state.ltp.get(CE.ticker) ?? 100;
  fake.lifecycle.fillNow(entry.id, entry.qty, ceLtp);
  await fake.lifecycle.settled();
  fake.state.restSymbols.delete(CE.ticker);
  expect(netOf(CE.ticker)).toBe(65);

  fake.setLtp(CE.ticker, ceLtp - 20);
  const run = await handleReconcile(deps.reconcile);
  expect(run.body).toMatchObject({ strategyRisk: { stopped: ['scalp'], mtm: { scalp: -1300 } } });
  expect(netOf(CE.ticker)).toBe(0);
  expect(await deps.adapters.holdings.list({ strategy: 'scalp' })).toEqual([]);
});
