import { handleWebhook } from '../../functions/webhook/webhook.handler';
import { startBridge, type Bridge } from './helpers/bridge-kit';

/**
 * Issue 10 item 10: a caller without the token learns about the token only. 44 KB of junk fields once
 * bought a 139 KB answer listing every field at fault; the answer must stay short and name nothing else.
 */
let bridge: Bridge;
beforeAll(async () => {
  bridge = await startBridge();
});
afterAll(async () => {
  await bridge.close();
});

const post = (body: unknown) =>
  handleWebhook(bridge.deps.webhook, { method: 'POST', rawBody: Buffer.from(JSON.stringify(body)), headers: {}, sourceIp: '203.0.113.50' });

const junk = () => {
  const fields: Record<string, unknown> = {};
  for (let i = 0; fields && JSON.stringify(fields).length < 44_000; i++) fields[`field_${i}_${'x'.repeat(40)}`] = { nested: [i] };
  return fields;
};

describe('answers to a caller without the token', () => {
  it.each([
    ['no token at all', {}],
    ['a token that is not a string', { token: 12345 }],
    ['an empty token', { token: '' }],
  ])('%s: 400 naming only the token, a few hundred bytes for 44 KB in', async (_label, token) => {
    const body = { ...junk(), ...token };
    expect(JSON.stringify(body).length).toBeGreaterThan(40_000);
    const r = await post(body);
    expect(r.status).toBe(400);
    const fields = (r.body.error as { fields: Record<string, string> }).fields;
    expect(Object.keys(fields)).toEqual(['token']);
    expect(JSON.stringify(r.body).length).toBeLessThan(600);
  });

  it('a wrong token: 401, short', async () => {
    const r = await post({ ...junk(), token: 'not-the-secret' });
    expect(r.status).toBe(401);
    expect(JSON.stringify(r.body).length).toBeLessThan(600);
  });

  it('the holder of the secret still gets every field at fault', async () => {
    const r = await post({ token: 'wh-secret-for-operator-tests-7f3a', symbol: 'NIFTY', stoploss: 5, qty: 'many' });
    expect(r.status).toBe(400);
    expect(Object.keys((r.body.error as { fields: Record<string, string> }).fields)).toEqual(expect.arrayContaining(['stoploss', 'qty', 'action']));
  });
});
