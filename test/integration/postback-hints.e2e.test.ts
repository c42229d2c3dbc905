import type { AppDeps } from '../../functions/composition';
import { IGNORED, handleOrderUpdate } from '../../functions/order-updates/order-updates.handler';
import { handleWebhook } from '../../functions/webhook/webhook.handler';
import { signPostback, type FakeFyers } from '../fake-fyers';
import { orderbookEntry } from '../fake-fyers/fake-fyers.orders';
import { POSTBACK_SECRET, POSTBACK_TOKEN, type PostbackReceiver } from '../helpers/bridge-harness';
import { IN_WINDOW, WEBHOOK_SECRET, niftyOption, sampleContracts, startSampleBridge, waitFor, type SampleBridge } from '../helpers/webhook-e2e-kit';

/**
 * Issue 19: a postback only says which order to look at. Whatever a signed postback claims (100× the
 * quantity, another contract, an order that does not exist yet), the bridge places nothing beyond what
 * the broker's own orderbook row supports.
 */
jest.setTimeout(60_000);
const { index } = sampleContracts(IN_WINDOW);
const CE = niftyOption(index, IN_WINDOW, 24500, 'CE');
const PE = niftyOption(index, IN_WINDOW, 24500, 'PE');

let fake: FakeFyers;
let deps: AppDeps;
let postbacks: PostbackReceiver;
let bridge: SampleBridge;

beforeEach(async () => {
  // A postback's answer waits for its follow-up as long as it takes (in production: up to a second), so
  // what an answer waited for is asserted without a race against the clock.
  bridge = await startSampleBridge({ label: 'postback-hints', optionLtps: { [CE.ticker]: 150, [PE.ticker]: 140 }, env: { PROTECTION: 'managed' }, postbacks: true, overrides: { postbackFollowUpMs: 600_000 } });
  ({ fake, deps } = bridge);
  postbacks = bridge.postbacks!;
});

afterEach(() => bridge.close());

const longWithExits = async (key: string) => {
  const r = await handleWebhook(deps.webhook, {
    method: 'POST',
    rawBody: Buffer.from(JSON.stringify({ token: WEBHOOK_SECRET, symbol: 'NIFTY', strategy: 'hints', position: 'long', qty: 1, sl: 10, tp: 20, idempotency_key: key })),
    headers: {},
    sourceIp: '127.0.0.1',
  });
  expect(r.status).toBe(200);
  return fake.state.orders.find((o) => o.symbol === CE.ticker && o.side === 1 && o.type === 2)!;
};

/** A postback as Fyers would sign it, with the right URL token: only the content is forged. Returns once it was followed. */
const forged = async (row: Record<string, unknown>) => {
  const body = JSON.stringify(row);
  const reply = await handleOrderUpdate(postbacks.deps, { method: 'POST', url: `/orderUpdates/${POSTBACK_TOKEN}`, rawBody: Buffer.from(body), headers: { 'x-fyers-signature': signPostback(body, POSTBACK_SECRET) } });
  await postbacks.followed();
  return reply;
};

const sells = () => fake.state.orders.filter((o) => o.side === -1);
/** Gives background work (exit placement after a report) the chance to place something it should not. */
const settle = async () => {
  await waitFor(() => sells().length > 0, 1_500).catch(() => undefined);
  await fake.lifecycle.settled();
  await postbacks.followed();
};

it('a signed postback claiming 100× the quantity, or another symbol, for a resting entry places no exit: the orderbook row says nothing filled', async () => {
  fake.restMarketOrders(true);
  const entry = await longWithExits('hints-1');
  expect(entry.status).toBe(6);
  const row = orderbookEntry(fake.state, entry) as Record<string, unknown>;
  await forged({ ...row, status: 2, qty: entry.qty * 100, filledQty: entry.qty * 100, tradedPrice: 150 });
  await forged({ ...row, symbol: PE.ticker, status: 2, filledQty: entry.qty, tradedPrice: 140 });
  await settle();
  expect(sells()).toEqual([]);
  expect(await deps.adapters.orderRecords.get(entry.id)).toMatchObject({ state: 'accepted', filledQty: 0 });

  // The real fill (Fyers' own postback, token in the URL) arms exits for exactly the entry's quantity.
  fake.restMarketOrders(false);
  fake.lifecycle.fillNow(entry.id, entry.qty, 150);
  await waitFor(() => sells().length === 2, 20_000, 'both exits after the real fill');
  await fake.lifecycle.settled();
  await postbacks.followed();
  expect(sells().map((o) => o.qty)).toEqual([entry.qty, entry.qty]);
  // Forged over-fills after the real one change nothing either.
  await forged({ ...(orderbookEntry(fake.state, entry) as Record<string, unknown>), filledQty: entry.qty * 100 });
  await settle();
  expect(sells().map((o) => o.qty)).toEqual([entry.qty, entry.qty]);
  expect(await deps.adapters.orderRecords.get(entry.id)).toMatchObject({ state: 'filled', filledQty: entry.qty });
});

it('a signed postback for an order id not placed yet is only a hint: the order that later gets the id is not moved by it', async () => {
  fake.restMarketOrders(true);
  // The fake numbers orders yymmdd + a sequence: the id the next order will get.
  const ist = new Date(IN_WINDOW + 330 * 60_000).toISOString();
  const nextId = `${ist.slice(2, 4)}${ist.slice(5, 7)}${ist.slice(8, 10)}${String(fake.state.orderSeq + 1).padStart(8, '0')}`;
  // Answered 200 at once, and kept as a hint once followed (there is no record for that id yet).
  const planted = await forged({ id: nextId, symbol: CE.ticker, side: 1, qty: 1300, status: 2, filledQty: 1300, tradedPrice: 150, productType: 'INTRADAY' });
  expect(planted).toMatchObject({ status: 200, body: { status: 'accepted' } });
  const entry = await longWithExits('hints-2');
  expect(entry.id).toBe(nextId);
  await settle();
  expect(sells()).toEqual([]);
  expect(await deps.adapters.orderRecords.get(entry.id)).toMatchObject({ state: 'accepted', filledQty: 0 });
});

it('with only the URL token (Fyers sends no signature header) a postback is followed; a wrong token gets the same answer as every other ignored postback', async () => {
  fake.restMarketOrders(true);
  const entry = await longWithExits('hints-3');
  const body = Buffer.from(JSON.stringify(orderbookEntry(fake.state, entry)));
  const wrong = await handleOrderUpdate(deps.orderUpdates, { method: 'POST', url: `/orderUpdates/${POSTBACK_TOKEN.slice(0, -1)}x`, rawBody: body, headers: {} });
  const none = await handleOrderUpdate(deps.orderUpdates, { method: 'POST', url: '/orderUpdates', rawBody: body, headers: {} });
  const junk = await handleOrderUpdate(deps.orderUpdates, { method: 'POST', url: `/orderUpdates/${POSTBACK_TOKEN}`, rawBody: Buffer.from('{not json'), headers: {} });
  for (const r of [wrong, none, junk]) expect(JSON.stringify(r)).toBe(JSON.stringify(IGNORED));

  fake.lifecycle.setPostbacks({ url: `http://127.0.0.1:${(postbacks.server.address() as { port: number }).port}/orderUpdates?token=${POSTBACK_TOKEN}`, secret: POSTBACK_SECRET, signing: 'none' });
  fake.restMarketOrders(false);
  fake.lifecycle.fillNow(entry.id, entry.qty, 150);
  await waitFor(() => sells().length === 2, 20_000, 'both exits after the token-only postback');
  expect(await deps.adapters.orderRecords.get(entry.id)).toMatchObject({ state: 'filled', filledQty: entry.qty });
});

it('a fill postback is answered once its exits are at the broker (a Cloud Run instance has CPU only while the request is open)', async () => {
  fake.restMarketOrders(true);
  const entry = await longWithExits('hints-4');
  // Fyers' own postbacks are off: the test posts the fill's itself, to the wired handler, and waits for nothing but the answer.
  fake.lifecycle.setPostbacks(undefined);
  fake.restMarketOrders(false);
  fake.lifecycle.fillNow(entry.id, entry.qty, 150);
  const body = JSON.stringify(orderbookEntry(fake.state, entry));
  const reply = await handleOrderUpdate(deps.orderUpdates, { method: 'POST', url: `/orderUpdates/${POSTBACK_TOKEN}`, rawBody: Buffer.from(body), headers: { 'x-fyers-signature': signPostback(body, POSTBACK_SECRET) } });
  expect(reply).toMatchObject({ status: 200, body: { status: 'accepted' } });
  expect(sells().map((o) => o.qty)).toEqual([entry.qty, entry.qty]);
  expect(await deps.adapters.orderRecords.get(entry.id)).toMatchObject({ state: 'filled', filledQty: entry.qty });
});
