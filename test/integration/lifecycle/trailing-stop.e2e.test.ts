import { handleReconcile } from '../../../functions/reconcile-orders/reconcile-orders.handler';
import { IN_WINDOW, OPTION_LTP, alertBody, niftyOption, sampleContracts, startSampleBridge } from '../../helpers/webhook-e2e-kit';
import { postAlert } from '../../helpers/webhook-client';
import { useWebhookServer } from '../../helpers/webhook-test-server';

/**
 * A trailing stop (PROTECTION=managed, `trail`) against the fake, on a clock the test moves: the
 * scheduled reconcile raises the working stop each minute the option's price moves in favour, never
 * lowers it, and costs one quote call per run whatever the number of trailed positions.
 */
const { index } = sampleContracts(IN_WINDOW);
const CE = niftyOption(index, IN_WINDOW, 24500, 'CE');
const PE = niftyOption(index, IN_WINDOW, 24500, 'PE');
const server = useWebhookServer();
const MIN = 60_000;

async function start() {
  const { fake, deps, clock, close } = await startSampleBridge({
    label: 'trail',
    optionLtps: { [CE.ticker]: OPTION_LTP, [PE.ticker]: OPTION_LTP },
    env: { PROTECTION: 'managed' },
    instance: true,
  });
  server.onCleanup(close);
  return { fake, deps, clock };
}

it('raises the stop each minute the price rises over five minutes, never lowers it, one quote call per run for two trailed positions', async () => {
  const { fake, deps, clock } = await start();
  let at = IN_WINDOW;
  for (const optionType of ['CE', 'PE']) {
    const res = await postAlert(server.url(), alertBody({ optionType, strikeprice: 24500, sl: 20, trail: 10, idempotency_key: `trail-${optionType}` }));
    expect(res.status).toBe(200);
  }
  // The first run learns the fills and places both stops at fill - 20.
  await handleReconcile(deps.reconcile);
  const stops = () => fake.state.orders.filter((o) => o.type === 4);
  expect(stops().map((o) => o.stopPrice)).toEqual([OPTION_LTP - 20, OPTION_LTP - 20]);
  const ceStop = stops().find((o) => o.symbol === CE.ticker)!;

  const triggers: number[] = [];
  for (let minute = 1; minute <= 5; minute++) {
    clock.set((at += MIN));
    fake.setLtp(CE.ticker, OPTION_LTP + 10 * minute);
    const quotesBefore = fake.state.requests.filter((r) => r.route === 'quotes').length;
    const run = await handleReconcile(deps.reconcile);
    expect(run.body).toMatchObject({ status: 'reconciled', trailQuoteCalls: 1 });
    expect(fake.state.requests.filter((r) => r.route === 'quotes').length - quotesBefore).toBe(1);
    triggers.push(ceStop.stopPrice);
  }
  // One trail step (10) in favour each minute moves the stop one step up from where it was placed (fill - 20).
  expect(triggers).toEqual([1, 2, 3, 4, 5].map((m) => Math.round((OPTION_LTP - 20 + 10 * m) * 100) / 100));
  const modifies = fake.state.requests.filter((r) => r.route === 'modify-order');
  expect(modifies).toHaveLength(5); // the PE never moved in favour: its stop was left alone

  // The price falls back: the stop stays where the trail put it.
  clock.set((at += MIN));
  fake.setLtp(CE.ticker, OPTION_LTP + 32);
  await handleReconcile(deps.reconcile);
  expect(ceStop.stopPrice).toBe(triggers[4]);
  expect(fake.state.requests.filter((r) => r.route === 'modify-order')).toHaveLength(5);
  expect(stops().find((o) => o.symbol === PE.ticker)!.stopPrice).toBe(OPTION_LTP - 20);
});
