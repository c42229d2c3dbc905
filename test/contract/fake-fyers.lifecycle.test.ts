/** The fake's order lifecycle (fills over time, MPP, RMS, cancel/modify, tradebook, postbacks) behaves as documented. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signPostback, startFakeFyers, type FakeFyers } from '../fake-fyers';

let fake: FakeFyers;
let receiver: Server | undefined;
afterEach(async () => {
  await fake.close();
  if (receiver) await new Promise((r) => receiver!.close(r));
  receiver = undefined;
});

const TICKER = 'NSE:NIFTY2672124400CE';
const call = (f: FakeFyers, token: string, method: string, path: string, body?: unknown) =>
  fetch(`${f.url}${path}`, { method, headers: { authorization: `${f.state.appId}:${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
    .then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, any> }));
const order = (extra: Record<string, unknown> = {}) => ({
  symbol: TICKER, qty: 130, type: 2, side: 1, productType: 'INTRADAY', limitPrice: 0, stopPrice: 0, validity: 'DAY', ...extra,
});
const waitFor = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

async function startReceiver(): Promise<{ url: string; got: Array<{ headers: Record<string, unknown>; body: string }> }> {
  const got: Array<{ headers: Record<string, unknown>; body: string }> = [];
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/orderUpdates`, got };
}

it('fills a planned order in two parts after the planned delays, with a tradebook row per fill and an average price', async () => {
  fake = await startFakeFyers({ planFor: () => ({ fills: [{ afterMs: 400, qty: 65, price: 150 }, { afterMs: 800, qty: 65, price: 152 }] }) });
  const token = fake.issueAccessToken();
  const placed = await call(fake, token, 'POST', '/api/v3/orders/sync', order());
  const id = placed.body.id as string;
  expect((await call(fake, token, 'GET', `/api/v3/orders?id=${id}`)).body.orderBook[0]).toMatchObject({ status: 6, filledQty: 0 });
  await waitFor(() => fake.state.orders[0]!.filledQty === 65);
  expect((await call(fake, token, 'GET', `/api/v3/orders?id=${id}`)).body.orderBook[0]).toMatchObject({ status: 6, filledQty: 65, remainingQuantity: 65 });
  await waitFor(() => fake.state.orders[0]!.status === 2);
  const book = (await call(fake, token, 'GET', `/api/v3/orders?id=${id}`)).body.orderBook[0];
  expect(book).toMatchObject({ status: 2, filledQty: 130, tradedPrice: 151 });
  const trades = (await call(fake, token, 'GET', '/api/v3/tradebook')).body.tradeBook as Array<Record<string, unknown>>;
  expect(trades.map((t) => [t.orderNumber, t.tradedQty, t.tradePrice])).toEqual([[id, 65, 150], [id, 65, 152]]);
  expect(fake.state.positions.get(`${TICKER}-INTRADAY`)?.netQty).toBe(130);
});

it('rests a market order whose price gapped past the MPP band, and fills it when the price comes back', async () => {
  fake = await startFakeFyers({ ltp: { [TICKER]: 100 }, planFor: () => ({ fills: [{ afterMs: 30 }] }) });
  const token = fake.issueAccessToken();
  await call(fake, token, 'POST', '/api/v3/orders/sync', order());
  fake.setLtp(TICKER, 110); // band is +5%: 105
  await new Promise((r) => setTimeout(r, 80));
  expect(fake.state.orders[0]).toMatchObject({ status: 6, filledQty: 0 });
  fake.setLtp(TICKER, 104);
  expect(fake.state.orders[0]).toMatchObject({ status: 2, filledQty: 130, tradedPrice: 104 });
});

it('acknowledges then rejects by RMS, and posts both states to the postback URL with an HMAC of the body', async () => {
  const r = await startReceiver();
  fake = await startFakeFyers({ postbacks: { url: r.url, secret: 's3cret', signing: 'hmac' }, planFor: () => ({ rejectAfterMs: 20, rejectMessage: 'RMS:Margin Shortfall' }) });
  const token = fake.issueAccessToken();
  const placed = await call(fake, token, 'POST', '/api/v3/orders/sync', order());
  expect(placed.body).toMatchObject({ s: 'ok', code: 1101 });
  await waitFor(() => r.got.length === 2);
  const statuses = r.got.map((g) => (JSON.parse(g.body) as { status: number }).status);
  expect(statuses).toEqual([6, 5]);
  expect(JSON.parse(r.got[1]!.body)).toMatchObject({ id: placed.body.id, message: 'RMS:Margin Shortfall' });
  for (const g of r.got) expect(g.headers['x-fyers-signature']).toBe(signPostback(g.body, 's3cret'));
  // The receiver sees a body before the fake sees the receiver's answer: wait for both answers.
  await waitFor(() => fake.lifecycle.postbacks.length === 2 && fake.lifecycle.postbacks.every((p) => p.httpStatus !== undefined));
  expect(fake.lifecycle.postbacks.map((p) => p.httpStatus)).toEqual([200, 200]);
});

it('cancels and modifies resting orders, fills a sell stop-limit when the price falls through its trigger, and refuses to cancel a filled one', async () => {
  fake = await startFakeFyers({ ltp: { [TICKER]: 150 } });
  const token = fake.issueAccessToken();
  const target = await call(fake, token, 'POST', '/api/v3/orders/sync', order({ side: -1, type: 1, limitPrice: 170 }));
  const stop = await call(fake, token, 'POST', '/api/v3/orders/sync', order({ side: -1, type: 4, stopPrice: 140, limitPrice: 139 }));
  expect((await call(fake, token, 'PATCH', '/api/v3/orders/sync', { id: target.body.id, qty: 65 })).body).toMatchObject({ s: 'ok', code: 1102 });
  expect(fake.state.orders[0]!.qty).toBe(65);
  expect((await call(fake, token, 'DELETE', '/api/v3/orders/sync', { id: target.body.id })).body).toMatchObject({ s: 'ok', code: 1103 });
  expect(fake.state.orders[0]!.status).toBe(1);
  fake.setLtp(TICKER, 139.5);
  expect(fake.state.orders[1]).toMatchObject({ status: 2, filledQty: 130 });
  const refused = await call(fake, token, 'DELETE', '/api/v3/orders/sync', { id: stop.body.id });
  expect(refused.body).toMatchObject({ s: 'error', code: -99 });
  expect((await call(fake, token, 'DELETE', '/api/v3/orders/sync', { id: 'nope' })).body).toMatchObject({ code: -51 });
});

it('sends each postback as many times as configured and can lose chosen ones', async () => {
  const r = await startReceiver();
  fake = await startFakeFyers({ postbacks: { url: r.url, secret: 'k', signing: 'plain', copies: 3, drop: (p) => p.status === 6 } });
  const token = fake.issueAccessToken();
  await call(fake, token, 'POST', '/api/v3/orders/sync', order());
  await fake.lifecycle.settled();
  expect(r.got).toHaveLength(3);
  expect(r.got.every((g) => g.headers['x-fyers-signature'] === 'k')).toBe(true);
  await call(fake, token, 'POST', '/api/v3/orders/sync', order({ type: 1, limitPrice: 100 }));
  await fake.lifecycle.settled();
  expect(fake.lifecycle.postbacks.filter((p) => p.dropped)).toHaveLength(1);
  expect(r.got).toHaveLength(3);
});
