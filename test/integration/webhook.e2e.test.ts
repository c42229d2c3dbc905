import type { AppDeps } from '../../functions/composition';
import { alertKey, orderTagFor } from '../../shared/alert/idempotency-key';
import type { FakeFyers } from '../fake-fyers';
import {
  AFTER_CLOSE, IN_WINDOW, OPTION_LTP, alertBody, niftyOption, sampleContracts, startSampleBridge, waitFor, type TickingClock,
} from '../helpers/webhook-e2e-kit';
import { postAlert, type WebhookAnswer } from '../helpers/webhook-client';
import { useWebhookServer } from '../helpers/webhook-test-server';

/**
 * The webhook function as Cloud Run serves it (Functions Framework test server), wired by the real
 * composition root to the fake Fyers server and the local store. Every case checks both what the
 * caller was told and what Fyers received, because an answer that looks right over a wrong order is
 * the failure that costs money.
 */

const { index } = sampleContracts(IN_WINDOW);
// Spot 24512.3 on a 50-point grid: ATM is 24500, nearest expiry is the July monthly (NIFTY26JUL).
const ATM = niftyOption(index, IN_WINDOW, 24500, 'CE');
const OTHER = niftyOption(index, IN_WINDOW, 24600, 'PE');

/** The keys of the reference's F&O market-order example: exactly what Fyers expects in the body. */
const REFERENCE_KEYS = ['symbol', 'qty', 'type', 'side', 'productType', 'limitPrice', 'stopPrice', 'validity', 'disclosedQty', 'offlineOrder', 'stopLoss', 'takeProfit', 'orderTag'];

interface World {
  fake: FakeFyers;
  deps: AppDeps;
  clock: TickingClock;
  post: (body: unknown, opts?: Parameters<typeof postAlert>[2]) => Promise<WebhookAnswer>;
  placeRequests: () => number;
}

const server = useWebhookServer();
let world: World | undefined;
afterEach(() => {
  world = undefined;
});

/** A fresh app and fake per test: no claim, breaker state or dead-session memory leaks between cases. */
async function start(env: Record<string, string> = {}): Promise<World> {
  const { fake, deps, clock, close } = await startSampleBridge({ label: 'webhook', optionLtps: { [ATM.ticker]: OPTION_LTP }, env, instance: true });
  server.onCleanup(close);
  world = {
    fake,
    deps,
    clock,
    post: (body, opts) => postAlert(server.url(), body, opts),
    placeRequests: () => fake.state.requests.filter((r) => r.route === 'place-order').length,
  };
  return world;
}

const tagFor = (body: Record<string, unknown>, requestId: unknown, headerKey?: string) => orderTagFor(alertKey(body, headerKey).key, String(requestId));

describe('webhook end to end: placed orders, field by field as Fyers receives them', () => {
  it('places an ATM INTRADAY market BUY: the master ticker, lots x lot size, Fyers codes, and the derived tag', async () => {
    const { fake, post } = await start();
    const body = alertBody({ action: 'buy', qty: 2 });
    const res = await post(body);

    expect(res.status).toBe(200);
    expect(fake.state.orders).toHaveLength(1);
    const sent = fake.state.orders[0]!.body;
    const tag = tagFor(body, res.body.requestId);
    expect(tag).toMatch(/^[A-Za-z0-9]{1,30}$/);
    expect(Object.keys(sent).sort()).toEqual([...REFERENCE_KEYS].sort());
    expect(sent).toEqual({
      symbol: 'NSE:NIFTY26JUL24500CE',
      qty: 130,
      type: 2,
      side: 1,
      productType: 'INTRADAY',
      limitPrice: 0,
      stopPrice: 0,
      validity: 'DAY',
      disclosedQty: 0,
      offlineOrder: false,
      stopLoss: 0,
      takeProfit: 0,
      orderTag: tag,
    });
    expect(sent.symbol).toBe(ATM.ticker);
    expect(fake.state.orders[0]!.orderTag).toBe(`1:${tag}`);
    expect(res.body).toEqual({
      status: 'accepted',
      orderId: fake.state.orders[0]!.id,
      symbol: ATM.ticker,
      side: 'BUY',
      productType: 'INTRADAY',
      lots: 2,
      qty: 130,
      // The reply's price costs no broker call: no quote of this option was taken within the second.
      ltp: null,
      stopLossPrice: null,
      takeProfitPrice: null,
      orderTag: tag,
      requestId: expect.stringMatching(/.+/),
    });
  });

  // CO and BO are retired at Fyers: the fake answers them -1800, as the official Go SDK documents.
  const noRetiredProduct = (fake: { state: { orders: Array<{ productType: string }>; requests: Array<{ route?: string }> } }) =>
    expect(fake.state.orders.filter((o) => o.productType === 'CO' || o.productType === 'BO')).toEqual([]);

  it('carries a BUY BO alert as INTRADAY with tick-rounded TP/SL legs and a tag, and says so', async () => {
    const { fake, post } = await start();
    // 20.02 rounds to 20.00 (400 ticks), 40.03 to 40.05 (801 ticks) on a 0.05 tick.
    const res = await post(alertBody({ productType: 'BO', sl: '20.02', tp: 40.03 }));

    expect(res.status).toBe(200);
    expect(fake.state.orders).toHaveLength(1);
    expect(fake.state.orders[0]!.body).toEqual({
      symbol: ATM.ticker, qty: 65, type: 2, side: 1, productType: 'INTRADAY', limitPrice: 0, stopPrice: 0,
      validity: 'DAY', disclosedQty: 0, offlineOrder: false, stopLoss: 20, takeProfit: 40.05, legType: 1, orderTag: expect.stringMatching(/^[A-Za-z0-9]+$/),
    });
    // A MARKET reply spends no broker call on a quote: with no recent shared price, it has no levels (unit tests price them).
    expect(res.body).toMatchObject({ status: 'accepted', productType: 'INTRADAY', ltp: null, stopLossPrice: null, takeProfitPrice: null, orderTag: expect.any(String) });
    expect(res.body.notes).toEqual(['productType BO is retired at Fyers, so this order was sent as INTRADAY with TP/SL legs: a stop-loss of 20.02 points and a target of 40.03 points.']);
    noRetiredProduct(fake);
  });

  it('the Done-when case: a BO alert with sl 20, tp 40 ends as an INTRADAY order with legs 20/40, and no CO/BO request reaches the fake', async () => {
    const { fake, post } = await start();
    const res = await post(alertBody({ productType: 'BO', sl: 20, tp: 40 }));
    expect(res.body).toMatchObject({ status: 'accepted', productType: 'INTRADAY' });
    expect(fake.state.orders.map((o) => [o.productType, o.stopLoss, o.takeProfit, o.legType])).toEqual([['INTRADAY', 20, 40, 1]]);
    // The fake would answer a CO/BO with -1800 and book nothing: exactly one placement reached it, the INTRADAY one.
    expect(fake.state.requests.filter((r) => r.route === 'place-order' || r.route === 'multi-order').map((r) => r.status)).toEqual([200]);
    noRetiredProduct(fake);
  });

  it('carries a SELL BO alert with the same positive offsets, and reports the stop above and the target below', async () => {
    const { fake, post } = await start();
    const res = await post(alertBody({ action: 'SELL', productType: 'BO', sl: 20.02, tp: '40.03' }));

    expect(res.status).toBe(200);
    expect(fake.state.orders[0]!.body).toMatchObject({
      symbol: ATM.ticker, qty: 65, type: 2, side: -1, productType: 'INTRADAY', stopLoss: 20, takeProfit: 40.05, legType: 1,
    });
    expect(res.body).toMatchObject({ status: 'accepted', side: 'SELL' });
  });

  it('carries a SELL CO alert as INTRADAY with only a stop leg', async () => {
    const { fake, post } = await start();
    // 7.52 → 7.50 (150 ticks); a SELL's stop sits above the entry.
    const res = await post(alertBody({ action: 'sell', productType: 'co', sl: '7.52' }));

    expect(res.status).toBe(200);
    expect(fake.state.orders[0]!.body).toMatchObject({
      symbol: ATM.ticker, qty: 65, type: 2, side: -1, productType: 'INTRADAY', stopLoss: 7.5, takeProfit: 0, legType: 1,
    });
    expect(res.body).toMatchObject({ status: 'accepted', stopLossPrice: null, takeProfitPrice: null });
    expect((res.body.notes as string[])[0]).toMatch(/productType CO is retired at Fyers/);
    noRetiredProduct(fake);
  });

  it('percent sl/tp go as legType 2 legs', async () => {
    const { fake, post } = await start();
    const res = await post(alertBody({ sl: '10%', tp: '20%' }));
    expect(res.status).toBe(200);
    expect(fake.state.orders[0]!.body).toMatchObject({ productType: 'INTRADAY', stopLoss: 10, takeProfit: 20, legType: 2 });
    expect(res.body).toMatchObject({ status: 'accepted', ltp: null });
  });

  it('an order whose legs Fyers refuses on this contract is placed once more without them, under managed exits, and the answer says so', async () => {
    const { fake, post } = await start();
    fake.refuseLegs(ATM.ticker);
    const res = await post(alertBody({ sl: 20, tp: 40 }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: expect.stringMatching(/accepted|filled/), managedProtection: { stopLossOffset: 20, takeProfitOffset: 40 } });
    expect((res.body.notes as string[]).join(' ')).toMatch(/refused the TP\/SL legs.*sent once without them.*managed exits/);
    const places = fake.state.requests.filter((r) => r.route === 'place-order');
    expect(places).toHaveLength(2);
    expect(fake.state.orders).toHaveLength(1);
    expect(fake.state.orders[0]!.body).not.toHaveProperty('legType');
    expect(fake.state.orders[0]!.body).toMatchObject({ stopLoss: 0, takeProfit: 0, orderTag: expect.any(String) });
  });

  it('refused again without legs: the broker\'s reason is the answer', async () => {
    const { fake, post } = await start();
    fake.refuseLegs(ATM.ticker);
    fake.rejectSymbol(ATM.ticker, 'RMS:Margin Shortfall');
    const res = await post(alertBody({ sl: 20 }));
    expect(res.body).toMatchObject({ status: 'rejected', reason: 'RMS:Margin Shortfall' });
    expect(fake.state.requests.filter((r) => r.route === 'place-order')).toHaveLength(2);
    expect(fake.state.orders).toHaveLength(0);
  });

  it('sends a LIMIT order as type 1 with its price, on an explicit strike and date given as strings', async () => {
    const { fake, post } = await start();
    fake.setLtp(OTHER.ticker, 148.2);
    const expiryDate = new Date(OTHER.expiry * 1000 + 330 * 60_000).toISOString().slice(0, 10);
    const body = alertBody({ optionType: 'pe', strikeprice: '24600', expiry: expiryDate, qty: '3', orderType: 'limit', price: '150.05', productType: 'margin' });
    const res = await post(body, { contentType: 'application/json' });

    expect(res.status).toBe(200);
    expect(fake.state.orders[0]!.body).toEqual({
      symbol: OTHER.ticker, qty: 195, type: 1, side: 1, productType: 'MARGIN', limitPrice: 150.05, stopPrice: 0,
      validity: 'DAY', disclosedQty: 0, offlineOrder: false, stopLoss: 0, takeProfit: 0, orderTag: tagFor(body, res.body.requestId),
    });
    expect(res.body).toMatchObject({ status: 'accepted', symbol: OTHER.ticker, lots: 3, qty: 195 });
  });

  it('reads the alert from a text/plain body and from an application/json body alike', async () => {
    const { fake, post } = await start();
    const plain = await post(alertBody({ idempotency_key: 'plain-1' }), { contentType: 'text/plain; charset=utf-8' });
    const json = await post(alertBody({ idempotency_key: 'json-1' }), { contentType: 'application/json' });

    expect([plain.status, json.status]).toEqual([200, 200]);
    expect([plain.body.status, json.body.status]).toEqual(['accepted', 'accepted']);
    expect(fake.state.orders.map((o) => o.body.symbol)).toEqual([ATM.ticker, ATM.ticker]);
  });
});

describe('webhook end to end: replays and uncertain outcomes', () => {
  it('answers a replay with the original result and sends nothing new to Fyers', async () => {
    const { fake, post, placeRequests } = await start();
    const body = alertBody();
    const first = await post(body);
    const again = await post(body, { contentType: 'application/json' });

    expect(first.body.status).toBe('accepted');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      status: 'duplicate', originalStatus: 'accepted', originalRequestId: first.body.requestId, orderId: first.body.orderId, qty: 65,
    });
    expect(again.body.requestId).not.toBe(first.body.requestId);
    expect(fake.state.orders).toHaveLength(1);
    expect(placeRequests()).toBe(1);
  });

  it('treats the Idempotency-Key header as the alert identity: same key is a replay, another key is a new alert', async () => {
    const { fake, post } = await start();
    const body = alertBody();
    const first = await post(body, { headers: { 'Idempotency-Key': 'tv-alert-77' } });
    const replay = await post(body, { headers: { 'Idempotency-Key': 'tv-alert-77' } });
    const other = await post(body, { headers: { 'Idempotency-Key': 'tv-alert-78' } });

    expect(first.body.status).toBe('accepted');
    expect(fake.state.orders[0]!.body.orderTag).toBe(tagFor(body, first.body.requestId, 'tv-alert-77'));
    expect(replay.body).toMatchObject({ status: 'duplicate', orderId: first.body.orderId });
    expect(other.body.status).toBe('accepted');
    expect(other.body.orderId).not.toBe(first.body.orderId);
    expect(fake.state.orders).toHaveLength(2);
  });

  it('answers 422 with the broker reason when Fyers rejects, and a replay does not send it again', async () => {
    const { fake, post, placeRequests } = await start();
    fake.inject('place-order', { kind: 'reject', code: -99, message: 'RMS:Margin Shortfall:INR 1,234.00 Available' }, 1);
    const body = alertBody();
    const res = await post(body);

    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      status: 'rejected',
      reason: 'RMS:Margin Shortfall:INR 1,234.00 Available',
      error: { code: 'BROKER_REJECTED', message: 'RMS:Margin Shortfall:INR 1,234.00 Available' },
      symbol: ATM.ticker,
      qty: 65,
    });
    expect(fake.state.orders).toHaveLength(0);

    const replay = await post(body);
    expect(replay.body).toMatchObject({ status: 'duplicate', originalStatus: 'rejected' });
    expect(placeRequests()).toBe(1);
  });

  it('answers 202 unknown when the reply is lost and the orderbook cannot confirm; a later replay finds the one order by tag', async () => {
    const { fake, post, placeRequests } = await start();
    fake.inject('place-order', { kind: 'reset', phase: 'after' }, 1);
    // Until cleared: the client falls back from the tag filter to the whole book, so one failure is not enough.
    fake.inject('orderbook', { kind: 'status', status: 503 });
    const body = alertBody();
    const res = await post(body);
    fake.clearFaults();

    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'unknown', symbol: ATM.ticker, qty: 65, orderTag: tagFor(body, res.body.requestId) });
    expect(res.body).not.toHaveProperty('orderId');
    expect(fake.state.orders).toHaveLength(1);

    const replay = await post(body);
    expect(replay.status).toBe(200);
    // Found in the orderbook, where the fake filled it at once: the broker says filled, so the answer does.
    expect(replay.body).toMatchObject({ status: 'filled', orderId: fake.state.orders[0]!.id, recoveredBy: 'orderbook-tag' });
    expect(fake.state.orders).toHaveLength(1);
    expect(placeRequests()).toBe(1);
  });

  it('confirms a no-acknowledgement (code 201) placement from the orderbook at once: one order, placed', async () => {
    const { fake, post, placeRequests } = await start();
    fake.inject('place-order', { kind: 'no-ack' }, 1);
    const res = await post(alertBody());

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'filled', orderId: fake.state.orders[0]?.id, recoveredBy: 'orderbook-tag' });
    expect(fake.state.orders).toHaveLength(1);
    expect(placeRequests()).toBe(1);
  });

  it('answers 202 for a no-ack the orderbook does not show yet, and still never sends it twice', async () => {
    const { fake, post, placeRequests } = await start();
    fake.inject('place-order', { kind: 'no-ack' }, 1);
    fake.inject('orderbook', { kind: 'status', status: 500, body: { s: 'error', code: -99, message: 'busy' } });
    const body = alertBody({ qty: 4 });
    const res = await post(body);
    fake.clearFaults();
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('unknown');

    const replay = await post(body);
    expect(replay.body).toMatchObject({ status: 'filled', qty: 260, recoveredBy: 'orderbook-tag' });
    expect(fake.state.orders).toHaveLength(1);
    expect(placeRequests()).toBe(1);
  });

  it('recovers a BO alert (now a tagged INTRADAY order) whose reply was lost by its tag, like every order', async () => {
    const { fake, post, placeRequests } = await start();
    fake.inject('place-order', { kind: 'reset', phase: 'after' }, 1);
    const res = await post(alertBody({ action: 'SELL', productType: 'BO', sl: 10, tp: 20, qty: 3 }));

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'filled', orderId: fake.state.orders[0]?.id, recoveredBy: 'orderbook-tag', qty: 195 });
    expect(fake.state.orders).toHaveLength(1);
    expect(fake.state.orders[0]!.orderTag).not.toBe('2:Untagged');
    expect(placeRequests()).toBe(1);
  });

  it('places exactly one order for 50 concurrent copies of one alert; the rest are duplicates or 409, never 5xx', async () => {
    const { fake, post } = await start();
    // A slow Fyers keeps the first copy in flight while the others arrive.
    fake.inject('place-order', { kind: 'latency', ms: 300 }, 1);
    const body = alertBody({ strikeprice: 24500, qty: 2 });
    const answers = await Promise.all(Array.from({ length: 50 }, () => post(body)));

    const byStatus = (s: string) => answers.filter((a) => a.body.status === s);
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    expect(byStatus('accepted')).toHaveLength(1);
    const placed = byStatus('accepted')[0]!;
    for (const a of answers.filter((x) => x !== placed)) {
      if (a.status === 409) expect(a.body.error?.code).toBe('IN_FLIGHT');
      else expect(a.body).toMatchObject({ status: 'duplicate', orderId: placed.body.orderId });
    }
    expect(byStatus('duplicate').length + answers.filter((a) => a.status === 409).length).toBe(49);
    expect(fake.state.orders).toHaveLength(1);
    expect(fake.state.orders[0]!.body).toMatchObject({ symbol: ATM.ticker, qty: 130 });
  });
});

describe('webhook end to end: refusals, and nothing reaches Fyers', () => {
  it('400 names each field at fault, suggesting sl for a typo\'d stoploss', async () => {
    const { fake, post } = await start();
    const res = await post(alertBody({ productType: 'BO', stoploss: 20, tp: 40, qty: 'two' }));

    expect(res.status).toBe(400);
    expect(res.body.status).toBe('error');
    expect(res.body.error?.code).toBe('ALERT_INVALID');
    expect(res.body.error?.fields?.stoploss).toMatch(/did you mean 'sl'/);
    expect(Object.keys(res.body.error?.fields ?? {})).toEqual(expect.arrayContaining(['stoploss', 'qty']));
    expect(fake.state.requests).toHaveLength(0);
  });

  it('400 for a body that is not JSON', async () => {
    const { fake, post } = await start();
    const res = await post('{"token": "x", symbol: NIFTY');
    expect(res.status).toBe(400);
    expect(res.body.error?.fields?.body).toMatch(/valid JSON/);
    expect(fake.state.requests).toHaveLength(0);
  });

  it('401 for a wrong token, without asking Fyers anything', async () => {
    const { fake, post } = await start();
    const res = await post(alertBody({ token: 'not-the-secret' }));
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('UNAUTHORIZED');
    expect(JSON.stringify(res.body)).not.toContain('not-the-secret');
    expect(fake.state.requests).toHaveLength(0);
  });

  it('403 while the kill switch is off (set through the controls store), and trades again once it is back on', async () => {
    const { fake, post, deps, clock } = await start();
    await deps.adapters.controls.update({ tradingEnabled: false }, 'e2e-operator', clock());
    const refused = await post(alertBody());
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('TRADING_DISABLED');
    expect(fake.state.orders).toHaveLength(0);

    await deps.adapters.controls.update({ tradingEnabled: true }, 'e2e-operator', clock());
    // The refusal left no claim behind: the same alert goes through now.
    const accepted = await post(alertBody());
    expect(accepted.body.status).toBe('accepted');
    expect(fake.state.orders).toHaveLength(1);
  });

  it('403 outside the trading window on the pinned clock, and trades inside it', async () => {
    const { fake, post, clock } = await start();
    clock.set(AFTER_CLOSE);
    const refused = await post(alertBody());
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('OUTSIDE_TRADING_WINDOW');
    expect(fake.state.requests).toHaveLength(0);

    clock.set(IN_WINDOW);
    expect((await post(alertBody())).body.status).toBe('accepted');
  });

  it('405 for anything but POST', async () => {
    const { fake, post } = await start();
    const res = await post(undefined, { method: 'GET' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(res.body.error?.code).toBe('METHOD_NOT_ALLOWED');
    expect(fake.state.requests).toHaveLength(0);
  });

  it('409 for a copy that arrives while the first is still at Fyers; the first still places the one order', async () => {
    const { fake, post } = await start();
    fake.inject('place-order', { kind: 'latency', ms: 1200 }, 1);
    const body = alertBody();
    const first = post(body);
    await waitFor(() => fake.state.requests.some((r) => r.route === 'place-order'), 5000, 'the first copy reaching Fyers');
    const second = await post(body);

    expect(second.status).toBe(409);
    expect(second.body.error?.code).toBe('IN_FLIGHT');
    const done = await first;
    expect(done.body.status).toBe('accepted');
    expect(fake.state.orders).toHaveLength(1);
  });

  it('413 for a body over 64 KB', async () => {
    const { fake, post } = await start();
    const res = await post(JSON.stringify(alertBody({ note: 'x'.repeat(70 * 1024) })));
    expect(res.status).toBe(413);
    expect(res.body.error?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(fake.state.requests).toHaveLength(0);
  });

  it('422 for a strike the master does not list', async () => {
    const { fake, post } = await start();
    const res = await post(alertBody({ strikeprice: 99_950 }));
    expect(res.status).toBe(422);
    expect(res.body.error?.code).toBe('UNKNOWN_INSTRUMENT');
    expect(res.body.error?.message).toMatch(/99950/);
    expect(fake.state.orders).toHaveLength(0);
  });

  it('422 for more lots than MAX_LOTS, saying the limit', async () => {
    const { fake, post } = await start({ MAX_LOTS: '5' });
    const res = await post(alertBody({ qty: 6 }));
    expect(res.status).toBe(422);
    expect(res.body.error?.code).toBe('RISK_REFUSED');
    expect(res.body.error?.message).toMatch(/maximum of 5 lots/);
    expect(fake.state.orders).toHaveLength(0);
  });

  it('503 when the Fyers session is dead: certain nothing was placed, so a retry is safe', async () => {
    const { fake, post, placeRequests } = await start();
    fake.killTokens();
    const res = await post(alertBody());
    expect(res.status).toBe(503);
    expect(res.body.error?.code).toBe('SESSION_EXPIRED');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(placeRequests()).toBe(0);
    expect(fake.state.orders).toHaveLength(0);
  });
});
