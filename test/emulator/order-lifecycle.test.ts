/**
 * The order lifecycle on the real Firestore and Pub/Sub emulators against the fake Fyers with its
 * postbacks: records, events, managed exits (OCO), the reconcile backstop and postback hygiene.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { signPostback, startFakeFyers, type FakeFyers } from '../fake-fyers';
import { recordAccepted } from '../../shared/orders/lifecycle/order-tracker';
import { reconcileOrders } from '../../shared/orders/lifecycle/reconcile-orders';
import { requireEmulators, uniquePrefix } from './helpers/emulator-env';
import { orderEventsSink, waitUntil } from './helpers/order-events-sink';
import { buildLifecycle, servePostbacks, type BuiltLifecycle } from './workers/lifecycle-deps';

jest.setTimeout(120_000);
const TICKER = 'NSE:NIFTY2672124400CE';
const SECRET = 'postback-secret-for-tests';

let fake: FakeFyers;
let life: BuiltLifecycle;
let sink: Awaited<ReturnType<typeof orderEventsSink>>;
let server: Server;
let postbackUrl: string;
let answers: number[];
let token: string;

async function setUp(opts: Parameters<typeof startFakeFyers>[0] = {}, managedExits = true) {
  const { projectId } = requireEmulators();
  const label = randomBytes(4).toString('hex');
  sink = await orderEventsSink(projectId, label);
  fake = await startFakeFyers({ ltp: { [TICKER]: 150 }, ...opts });
  token = fake.issueAccessToken();
  life = buildLifecycle({ prefix: uniquePrefix('life'), projectId, apiUrl: fake.apiUrl, appId: fake.state.appId, token, topic: sink.topic, instanceId: 'test', managedExits });
  ({ server, url: postbackUrl, answers } = await servePostbacks(life.deps, SECRET));
  fake.lifecycle.setPostbacks({ url: postbackUrl, secret: SECRET, signing: 'hmac', ...(opts.postbacks ?? {}) });
}

afterEach(async () => {
  if (process.env.DEBUG_LIFECYCLE) console.log(JSON.stringify(sink.events.map((e) => e.eventId)), life.logs.join('\n'), JSON.stringify(fake.lifecycle.postbacks), JSON.stringify(fake.state.orders.map((o) => [o.id, o.orderTag, o.type, o.status, o.qty, o.filledQty])));
  await fake?.lifecycle.settled();
  // Follow-ups (exit placement after an early fill) run in the background of the order path: let them finish.
  for (let quiet = 0, seen = -1; quiet < 3; ) {
    await new Promise((r) => setTimeout(r, 500));
    quiet = life.logs.length + life.notifications.length === seen ? quiet + 1 : 0;
    seen = life.logs.length + life.notifications.length;
  }
  await fake?.close();
  await new Promise((r) => server?.close(r));
  await life?.close();
  await sink?.close();
});

/** Places an entry at the fake, as the order path would, and records it as the order path's hook does. */
async function placeEntry(body: Record<string, unknown> = {}, exits: { slPoints?: number; tpPoints?: number } | undefined = { slPoints: 10, tpPoints: 20 }) {
  const res = await fetch(`${fake.apiUrl}/orders/sync`, {
    method: 'POST',
    headers: { authorization: `${fake.state.appId}:${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ symbol: TICKER, qty: 130, type: 2, side: 1, productType: 'INTRADAY', limitPrice: 0, stopPrice: 0, validity: 'DAY', orderTag: 'entry1', ...body }),
  });
  const id = ((await res.json()) as { id: string }).id;
  await recordAccepted(life.deps, {
    status: 'placed', orderId: id, orderTag: 'entry1', requestId: 'req-1', symbol: TICKER, side: 'BUY', qty: 130, productType: 'INTRADAY', orderType: 'MARKET',
    ...(exits ? { exits: { ...exits, tickSize: 0.05 } } : {}),
  }, { publishNow: false });
  return id;
}

const ordersAtFake = (tagEnd: string) => fake.state.orders.filter((o) => o.orderTag.endsWith(tagEnd) && o.orderTag.startsWith('1:X'));

it('after the entry fills, places an SL-L stop (type 4, limit inside the band) and a LIMIT target for the filled quantity; a target fill cancels the stop', async () => {
  await setUp({ planFor: (o) => (o.orderTag === '1:entry1' ? { fills: [{ afterMs: 300, price: 150 }] } : undefined) });
  const entryId = await placeEntry();
  await waitUntil(() => ordersAtFake('S').length === 1 && ordersAtFake('T').length === 1, 40_000, 'exit legs at the fake');
  const stop = ordersAtFake('S')[0]!;
  const target = ordersAtFake('T')[0]!;
  expect(stop).toMatchObject({ type: 4, side: -1, qty: 130, stopPrice: 140, limitPrice: 137.2, status: 6 });
  expect(target).toMatchObject({ type: 1, side: -1, qty: 130, limitPrice: 170, status: 6 });

  fake.setLtp(TICKER, 171);
  await waitUntil(() => stop.status === 1, 30_000, 'the stop to be cancelled');
  expect(target.status).toBe(2);
  await waitUntil(async () => (await life.deps.records.get(entryId))?.exitsActive === false, 30_000, 'exits to settle');
  const entry = await life.deps.records.get(entryId);
  expect(entry).toMatchObject({ state: 'filled', filledQty: 130, avgPrice: 150, requestId: 'req-1', exits: { done: 'target_filled' } });
  expect(fake.state.positions.get(`${TICKER}-INTRADAY`)?.netQty).toBe(0);
  await waitUntil(() => ['exit.placed', 'exit.filled'].every((k) => life.notifications.some((n) => n.kind === k)), 30_000, 'exit notifications');
  // Every postback was answered 200, whatever it carried.
  await fake.lifecycle.settled();
  expect(answers.every((s) => s === 200)).toBe(true);
});

it('follows a partial entry fill: exits for the first part, then grown to the whole', async () => {
  await setUp({ planFor: (o) => (o.orderTag === '1:entry1' ? { fills: [{ afterMs: 200, qty: 65, price: 150 }] } : undefined) });
  const entryId = await placeEntry();
  await waitUntil(() => ordersAtFake('S').length === 1 && ordersAtFake('T').length === 1, 40_000, 'exit legs');
  expect(ordersAtFake('S')[0]!.qty).toBe(65);
  expect(ordersAtFake('T')[0]!.qty).toBe(65);
  fake.lifecycle.fillNow(entryId, 65, 152);
  await waitUntil(() => ordersAtFake('S')[0]!.qty === 130 && ordersAtFake('T')[0]!.qty === 130, 40_000, 'legs grown to 130');
  expect(ordersAtFake('S')).toHaveLength(1);
  expect(ordersAtFake('T')).toHaveLength(1);
});

it('a lost postback is fixed by the next reconcile, with the tradebook\'s price, and its events are published once', async () => {
  await setUp({ postbacks: { url: 'http://127.0.0.1:9/unused', secret: SECRET, drop: () => true } }, false);
  fake.lifecycle.setPostbacks({ url: postbackUrl, secret: SECRET, drop: () => true });
  const id = await placeEntry({}, undefined);
  expect((await life.deps.records.get(id))?.state).toBe('accepted');
  const report = await reconcileOrders(life.deps);
  expect(report).toMatchObject({ open: 1, changed: 1 });
  expect(await life.deps.records.get(id)).toMatchObject({ state: 'filled', filledQty: 130, avgPrice: 150 });
  expect((await reconcileOrders(life.deps)).changed).toBe(0);
  await waitUntil(() => sink.events.length >= 2, 30_000, 'events');
  await new Promise((r) => setTimeout(r, 500));
  expect(sink.events.map((e) => e.type)).toEqual(['order.accepted', 'order.filled']);
  expect(sink.attributes[1]).toMatchObject({ schema: 'tv-fyers-bridge.order-event.v1', type: 'order.filled', eventId: `${id}:2` });
});

it('one event per state change, with every postback sent three times and reconciles running meanwhile', async () => {
  await setUp({ postbacks: { url: '', secret: SECRET, copies: 3 }, planFor: (o) => (o.orderTag === '1:entry1' ? {} : undefined) }, false);
  fake.lifecycle.setPostbacks({ url: postbackUrl, secret: SECRET, copies: 3 });
  const id = await placeEntry({}, undefined);
  let stop = false;
  const reconciling = (async () => {
    while (!stop) await reconcileOrders(life.deps).catch(() => undefined);
  })();
  fake.lifecycle.fillNow(id, 65, 150);
  await waitUntil(async () => (await life.deps.records.get(id))?.state === 'partially_filled', 30_000, 'partly filled');
  fake.lifecycle.fillNow(id, 65, 151);
  await waitUntil(async () => (await life.deps.records.get(id))?.state === 'filled', 30_000, 'filled');
  stop = true;
  await reconciling;
  await fake.lifecycle.settled();
  await waitUntil(() => sink.events.length >= 3, 30_000, 'events');
  await new Promise((r) => setTimeout(r, 1000));
  expect(sink.events.map((e) => [e.type, e.filledQty])).toEqual([['order.accepted', 0], ['order.partially_filled', 65], ['order.filled', 130]]);
  expect(new Set(sink.events.map((e) => e.eventId)).size).toBe(3);
  expect(await life.deps.records.get(id)).toMatchObject({ state: 'filled', filledQty: 130, avgPrice: 150.5, version: 3 });
  expect(fake.lifecycle.postbacks.filter((p) => p.httpStatus === 200).length).toBeGreaterThanOrEqual(6);
});

it('answers every unauthenticated or unusable postback with one identical 200, and keeps an early one only as a hint that never moves the later record', async () => {
  await setUp({}, false);
  const row = { id: '26072100000099', symbol: TICKER, side: 1, qty: 130, status: 2, filledQty: 130, tradedPrice: 150, productType: 'INTRADAY' };
  const body = JSON.stringify(row);
  const withoutToken = postbackUrl.replace(/\/[^/]+$/, '');
  const post = (b: string, sig?: string, url = postbackUrl) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(sig ? { 'x-fyers-signature': sig } : {}) }, body: b });
  const ignored = [
    await post(body, signPostback(body, SECRET), withoutToken),
    await post(body, signPostback(body, SECRET), `${postbackUrl}x`),
    await post(body, signPostback(body, 'wrong')),
    await post('{not json', signPostback('{not json', SECRET)),
    await post('{"hello":1}', signPostback('{"hello":1}', SECRET)),
  ];
  const texts = new Set<string>();
  for (const r of ignored) {
    expect(r.status).toBe(200);
    texts.add(await r.text());
  }
  expect([...texts]).toEqual([JSON.stringify({ status: 'ignored' })]);
  // Authentic, readable, but for an order with no record yet: answered at once, then kept as a hint;
  // the record that later gets this id is moved only by the orderbook, which has no such order.
  const followedAs = (result: string) => life.logs.filter((l) => l.includes('postback followed') && l.includes(`"result":"${result}"`)).length;
  const early = await post(body, signPostback(body, SECRET));
  expect(((await early.json()) as { status: string }).status).toBe('accepted');
  await life.followed();
  expect(followedAs('unmatched')).toBe(1);
  await recordAccepted(life.deps, { status: 'placed', orderId: row.id, requestId: 'req-early', symbol: TICKER, side: 'BUY', qty: 130, productType: 'INTRADAY', orderType: 'MARKET' });
  expect(await life.deps.records.get(row.id)).toMatchObject({ state: 'accepted', filledQty: 0, version: 1 });
  // The token alone (no signature header) is enough to be looked at.
  const tokenOnly = await post(body);
  expect(((await tokenOnly.json()) as { status: string }).status).toBe('accepted');
  await life.followed();
  expect(followedAs('not_in_orderbook')).toBe(1);
  expect(life.logs.some((l) => l.includes('does not match fyers-postback-secret') && l.includes('"ERROR"'))).toBe(true);
  expect(life.logs.join('\n')).not.toContain(SECRET);
});

it('tells the operator about an RMS rejection after acknowledgement, and about an unknown order resolved later', async () => {
  await setUp({ planFor: (o) => (o.orderTag === '1:entry1' ? { rejectAfterMs: 200, rejectMessage: 'RMS:Margin Shortfall' } : undefined) }, false);
  const id = await placeEntry({}, undefined);
  await waitUntil(() => life.notifications.some((n) => n.kind === 'order.rejected_after_ack'), 15_000, 'the rejection notice');
  expect(await life.deps.records.get(id)).toMatchObject({ state: 'rejected', message: 'RMS:Margin Shortfall' });
  expect(life.notifications.find((n) => n.kind === 'order.rejected_after_ack')?.summary).toContain('RMS:Margin Shortfall');

  // An order whose placement answer was lost: recorded by tag as unknown, resolved by the reconcile.
  const res = await fetch(`${fake.apiUrl}/orders/sync`, {
    method: 'POST', headers: { authorization: `${fake.state.appId}:${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ symbol: TICKER, qty: 65, type: 2, side: 1, productType: 'INTRADAY', limitPrice: 0, stopPrice: 0, validity: 'DAY', orderTag: 'lostreply1' }),
  });
  const realId = ((await res.json()) as { id: string }).id;
  fake.lifecycle.setPostbacks(undefined);
  const recId = await recordAccepted(life.deps, { status: 'unknown', orderTag: 'lostreply1', requestId: 'req-2', symbol: TICKER, side: 'BUY', qty: 65, productType: 'INTRADAY', orderType: 'MARKET' });
  expect(recId).toBe('tag-lostreply1');
  await reconcileOrders(life.deps);
  expect(await life.deps.records.get(recId)).toMatchObject({ state: 'filled', orderId: realId, resolvedFromUnknown: true });
  expect(life.notifications.find((n) => n.kind === 'order.resolved')?.summary).toContain('UNKNOWN is now filled');
});

it('an intent:close fill cancels both exits', async () => {
  await setUp({ planFor: (o) => (o.orderTag === '1:entry1' ? { fills: [{ afterMs: 200, price: 150 }] } : o.orderTag === '1:close1' ? {} : undefined) });
  const entryId = await placeEntry();
  await waitUntil(() => ordersAtFake('S').length === 1 && ordersAtFake('T').length === 1, 40_000, 'exit legs');
  await waitUntil(async () => Boolean((await life.deps.records.get(entryId))?.exits?.target?.orderId), 30_000, 'legs recorded');
  const res = await fetch(`${fake.apiUrl}/orders/sync`, {
    method: 'POST', headers: { authorization: `${fake.state.appId}:${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ symbol: TICKER, qty: 130, type: 2, side: -1, productType: 'INTRADAY', limitPrice: 0, stopPrice: 0, validity: 'DAY', orderTag: 'close1' }),
  });
  const closeId = ((await res.json()) as { id: string }).id;
  await recordAccepted(life.deps, { status: 'placed', orderId: closeId, orderTag: 'close1', requestId: 'req-close', symbol: TICKER, side: 'SELL', qty: 130, productType: 'INTRADAY', orderType: 'MARKET', intent: 'close' });
  fake.lifecycle.fillNow(closeId, 130, 149);
  await waitUntil(() => ordersAtFake('S')[0]!.status === 1 && ordersAtFake('T')[0]!.status === 1, 30_000, 'both exits cancelled');
  await waitUntil(async () => (await life.deps.records.get(entryId))?.exitsActive === false, 30_000, 'exits settled');
  expect((await life.deps.records.get(entryId))?.exits?.done).toBe('closed');
  expect(fake.state.positions.get(`${TICKER}-INTRADAY`)?.netQty).toBe(0);
});

it('when stop and target both fill before either is cancelled, flattens the flipped quantity once and tells the operator', async () => {
  await setUp({ planFor: (o) => (o.orderTag === '1:entry1' ? { fills: [{ afterMs: 200, price: 150 }] } : undefined) });
  const entryId = await placeEntry();
  await waitUntil(() => ordersAtFake('S').length === 1 && ordersAtFake('T').length === 1, 40_000, 'exit legs');
  await waitUntil(async () => Boolean((await life.deps.records.get(entryId))?.exits?.stop?.orderId), 30_000, 'legs recorded');
  await fake.lifecycle.settled();
  // Both legs fill at the broker while no postback gets through: the race OCO cannot prevent.
  fake.lifecycle.setPostbacks(undefined);
  fake.setLtp(TICKER, 171);
  fake.setLtp(TICKER, 139);
  expect(ordersAtFake('S')[0]!.status).toBe(2);
  expect(ordersAtFake('T')[0]!.status).toBe(2);
  expect(fake.state.positions.get(`${TICKER}-INTRADAY`)?.netQty).toBe(-130);
  await Promise.all([reconcileOrders(life.deps), reconcileOrders(life.deps)]);
  await reconcileOrders(life.deps);
  await waitUntil(() => ordersAtFake('F1').length === 1, 30_000, 'the flatten order');
  await reconcileOrders(life.deps);
  expect(ordersAtFake('F1')[0]).toMatchObject({ type: 2, side: 1, qty: 130, status: 2 });
  expect(fake.state.orders.filter((o) => /F\d$/.test(o.orderTag))).toHaveLength(1);
  expect(fake.state.positions.get(`${TICKER}-INTRADAY`)?.netQty).toBe(0);
  expect(life.notifications.filter((n) => n.kind === 'position.flattened')).toHaveLength(1);
});
