import { handleReconcile } from '../../functions/reconcile-orders/reconcile-orders.handler';
import { istParts } from '../../shared/platform/ist';
import { signPostback } from '../fake-fyers';
import { orderbookEntry } from '../fake-fyers/fake-fyers.orders';
import { AFTER_CLOSE, IN_WINDOW, OPTION_LTP, alertBody, niftyOption, sampleContracts, startSampleBridge } from '../helpers/webhook-e2e-kit';
import { followablePostbacks } from '../helpers/postback-follow';
import { postAlert } from '../helpers/webhook-client';
import { useWebhookServer } from '../helpers/webhook-test-server';

/**
 * The order path's hook and the lifecycle functions as the composition root wires them (local store,
 * fake Fyers): an accepted alert leaves an order record linked from its audit entry, and a signed
 * postback moves it.
 */
const { index } = sampleContracts(IN_WINDOW);
const ATM = niftyOption(index, IN_WINDOW, 24500, 'CE');
const server = useWebhookServer();
const POSTBACK_SECRET = 'e2e-postback-secret-5c1d8a2f9b7e';
const POSTBACK_TOKEN = 'e2e-postback-url-token-3a9f0c7b2d6e';

async function start() {
  const { fake, deps, clock, close } = await startSampleBridge({
    label: 'lifecycle',
    optionLtps: { [ATM.ticker]: OPTION_LTP },
    env: { FYERS_POSTBACK_SECRET: POSTBACK_SECRET, FYERS_POSTBACK_TOKEN: POSTBACK_TOKEN },
    instance: true,
  });
  server.onCleanup(close);
  return { fake, deps, clock };
}

it('an accepted alert leaves an order record linked from its audit entry; a signed postback fills it and a reconcile then finds nothing to do', async () => {
  const { fake, deps, clock } = await start();
  const res = await postAlert(server.url(), alertBody({ action: 'buy', qty: 2 }));
  expect(res.status).toBe(200);
  const orderId = String(res.body.orderId);
  // The fake filled the market order at once; the record is written as accepted by the order path.
  const rec = await deps.adapters.orderRecords.get(orderId);
  expect(rec).toMatchObject({ id: orderId, requestId: res.body.requestId, role: 'entry', state: 'accepted', qty: 130, orderType: 'MARKET', intent: 'open' });
  const audit = await deps.adapters.audit.list({ day: istParts(clock()).date });
  expect(audit.find((a) => a.requestId === res.body.requestId)?.orderRecordId).toBe(orderId);

  const order = fake.state.orders[0]!;
  const body = Buffer.from(JSON.stringify(orderbookEntry(fake.state, order)));
  // Answered at once; the record moves once the follow-up (orderbook read, commit) is done.
  const reply = await followablePostbacks(deps.orderUpdates).post({ method: 'POST', url: `/orderUpdates/${POSTBACK_TOKEN}`, rawBody: body, headers: { 'x-fyers-signature': signPostback(body.toString(), POSTBACK_SECRET) } });
  expect(reply).toMatchObject({ status: 200, body: { status: 'accepted' } });
  expect(await deps.adapters.orderRecords.get(orderId)).toMatchObject({ state: 'filled', filledQty: 130, avgPrice: OPTION_LTP, version: 2 });

  const reconciled = await handleReconcile(deps.reconcile);
  expect(reconciled.body).toMatchObject({ status: 'reconciled', open: 0, changed: 0 });
});

it('reconcileOrders does nothing outside the exchange session', async () => {
  const { deps, clock } = await start();
  clock.set(AFTER_CLOSE + 3 * 3_600_000);
  expect((await handleReconcile(deps.reconcile)).body).toEqual({ status: 'skipped', reason: 'outside the exchange session' });
});
