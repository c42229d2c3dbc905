import { createHeaderNamesLog } from '../../../functions/order-updates/header-names-log';
import { IGNORED, handleOrderUpdate, type OrderUpdatesDeps } from '../../../functions/order-updates/order-updates.handler';
import { postbackTokenOf } from '../../../functions/order-updates/postback-token';
import { fyersPostbackSignature, parseFyersPostback } from '../../../shared/broker/fyers/fyers.postback';
import { createLogger } from '../../../shared/platform/logger';
import type { SecretName } from '../../../shared/secrets/secrets.port';

/** Issue 19 item 2: the postback URL's token is the primary check; nothing tells a guesser how close it came. */
const TOKEN = 'Zk4-rP8qW2xN6tY0vB3mC7jH5gF1dS9a';
const SECRET = 'e1d9c7b5a3f2e0d8c6b4a2f0e9d7c5b3';
const ROW = JSON.stringify({ id: '26072100000001', symbol: 'NSE:X', side: 1, qty: 65, status: 2, filledQty: 65, tradedPrice: 150, productType: 'INTRADAY' });
const DAY = Date.UTC(2026, 6, 22, 5, 0);

function deps(secrets: Partial<Record<SecretName, string>> = { 'fyers-postback-token': TOKEN, 'fyers-postback-secret': SECRET }) {
  const lines: string[] = [];
  const looked: string[] = [];
  let now = DAY;
  const d = {
    clock: () => now,
    logger: createLogger({ sink: (l) => lines.push(l) }),
    secrets: { get: async (n: SecretName) => secrets[n] },
    postbacks: { signature: fyersPostbackSignature, parse: parseFyersPostback },
    answerWithinMs: 1_000,
    headerNames: createHeaderNamesLog(2),
    instanceId: 't',
    // No record for any order: an authenticated postback ends as a kept hint.
    records: { get: async () => undefined, saveOrphan: async (r: { orderId: string }) => (looked.push(r.orderId), true) },
  } as unknown as OrderUpdatesDeps;
  return { d, lines, looked, setNow: (t: number) => (now = t) };
}

const post = (d: OrderUpdatesDeps, over: { url?: string; body?: string; headers?: Record<string, string>; method?: string } = {}) =>
  handleOrderUpdate(d, { method: over.method ?? 'POST', url: over.url ?? `/orderUpdates/${TOKEN}`, rawBody: Buffer.from(over.body ?? ROW), headers: over.headers ?? {} });

it('reads the token from the last path segment or the token query parameter', () => {
  expect(postbackTokenOf(`/orderUpdates/${TOKEN}`)).toBe(TOKEN);
  expect(postbackTokenOf(`/${TOKEN}`)).toBe(TOKEN);
  expect(postbackTokenOf(`/orderUpdates?token=${TOKEN}`)).toBe(TOKEN);
  expect(postbackTokenOf('/orderUpdates')).toBeUndefined();
  expect(postbackTokenOf('/')).toBeUndefined();
});

it('accepts a postback with only the URL token (no signature header) and follows it', async () => {
  const { d, looked } = deps();
  expect(await post(d)).toMatchObject({ status: 200, body: { status: 'unmatched' } });
  expect(await post(d, { url: `/orderUpdates?token=${TOKEN}` })).toMatchObject({ status: 200, body: { status: 'unmatched' } });
  expect(looked).toEqual(['26072100000001', '26072100000001']);
});

it('answers every unauthenticated or unusable postback with the same bytes, and follows none of them', async () => {
  const { d, looked } = deps();
  const answers = [
    await post(d, { url: '/orderUpdates' }),
    await post(d, { url: `/orderUpdates/${TOKEN.slice(0, -1)}b` }),
    await post(d, { url: `/orderUpdates/${TOKEN}x` }),
    await post(d, { headers: { 'x-fyers-signature': 'not-the-mac' } }),
    await post(d, { headers: { 'x-fyers-secret': 'wrong' } }),
    await post(d, { body: '{not json' }),
    await post(d, { body: '{"hello":1}' }),
    await post(d, { body: '' }),
    await post(d, { body: 'x'.repeat(70 * 1024) }),
    await post(d, { method: 'GET' }),
  ];
  for (const a of answers) expect(JSON.stringify(a)).toBe(JSON.stringify(IGNORED));
  expect(IGNORED.status).toBe(200);
  expect(looked).toEqual([]);
});

it('with no token configured, every postback is ignored (the same answer) and the log says why', async () => {
  const { d, lines, looked } = deps({ 'fyers-postback-secret': SECRET });
  expect(JSON.stringify(await post(d))).toBe(JSON.stringify(IGNORED));
  expect(looked).toEqual([]);
  expect(lines.join('\n')).toContain('fyers-postback-token has no value');
});

it('logs the header NAMES (never values) of the first postbacks of each day', async () => {
  const { d, lines, setNow } = deps();
  const headers = { 'x-fyers-signature': 'value-that-must-not-be-logged', 'content-type': 'application/json' };
  await post(d, { headers });
  await post(d, { headers });
  await post(d, { headers });
  const named = () => lines.filter((l) => l.includes('postback headers (names only)'));
  expect(named()).toHaveLength(2);
  expect(named()[0]).toContain('"headerNames":["content-type","x-fyers-signature"]');
  expect(lines.join('\n')).not.toContain('value-that-must-not-be-logged');
  setNow(DAY + 24 * 3_600_000);
  await post(d, { headers });
  expect(named()).toHaveLength(3);
});
