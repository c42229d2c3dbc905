import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { handleControls } from '../../functions/controls/controls.handler';
import { orderbookEntry } from '../fake-fyers/fake-fyers.orders';
import { followablePostbacks } from '../helpers/postback-follow';
import { CONTROLS_KEY, niftyAlert, sendAlert, startBridge, storeLogin, type Bridge } from './helpers/bridge-kit';

/**
 * Issue 19 item 7: a corrupt local order record or webhooks.json is an error the operator is told
 * about, never a silent `unchanged` (a fill lost) or a 500.
 */
const TOKEN = 'corrupt-test-url-token-8e2f6a1c9d4b7e3a';
let bridge: Bridge;
afterEach(async () => bridge?.close());

it('a postback for an order whose local record is corrupt is not answered "unchanged": the operator is told the record is unreadable', async () => {
  bridge = await startBridge({ env: { FYERS_POSTBACK_TOKEN: TOKEN } });
  await storeLogin(bridge);
  const placed = await sendAlert(bridge.deps, niftyAlert());
  expect(placed.status).toBe(200);
  const orderId = String((placed.body as { orderId: string }).orderId);
  expect(await bridge.deps.adapters.orderRecords.get(orderId)).toBeDefined();
  await writeFile(path.join(bridge.dataDir, 'store', 'orders', 'records', `${encodeURIComponent(orderId)}.json`), 'null');

  const order = bridge.fake.state.orders.find((o) => o.id === orderId)!;
  // Answered 200 at once (the answer never waits on the store); what the follow-up did is what counts.
  const reply = await followablePostbacks(bridge.deps.orderUpdates).post({ method: 'POST', url: `/orderUpdates/${TOKEN}`, rawBody: Buffer.from(JSON.stringify(orderbookEntry(bridge.fake.state, order))), headers: {} });
  expect(reply.status).toBe(200);
  const told = bridge.notes.ofKind('store.unreadable');
  expect(told).toHaveLength(1);
  expect(told[0]).toMatchObject({ severity: 'critical' });
  expect(told[0]!.summary).toContain(orderId);
});

it('a corrupt webhooks.json answers /controls/webhooks with a named 503 and tells the operator, not a 500', async () => {
  bridge = await startBridge();
  const dir = path.join(bridge.dataDir, 'store', 'webhooks');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'webhooks.json'), '{"torn":');
  const r = await handleControls(bridge.deps.controls, { method: 'GET', path: '/webhooks', query: {}, authorization: `Bearer ${CONTROLS_KEY}`, source: '127.0.0.1' });
  expect(r.status).toBe(503);
  expect(JSON.stringify(r.body)).toContain('webhook subscriptions file is unreadable');
  expect(bridge.notes.ofKind('store.unreadable')).toHaveLength(1);
});
