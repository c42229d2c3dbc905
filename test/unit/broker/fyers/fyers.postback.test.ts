import { createHmac } from 'node:crypto';
import { parseFyersPostback, verifyFyersPostback } from '../../../../shared/broker/fyers/fyers.postback';

const SECRET = 'dashboard-secret';
const body = Buffer.from(JSON.stringify({ id: '26072100000001', symbol: 'NSE:X', side: 1, qty: 130, status: 6, filledQty: 65, tradedPrice: 150.5, productType: 'INTRADAY', orderTag: '1:abc', orderDateTime: '22-Jul-2026 10:00:05' }));
const mac = createHmac('sha256', SECRET).update(body).digest();

describe('verifyFyersPostback accepts both readings of Fyers\' signing and nothing else', () => {
  it.each([
    ['hex HMAC in X-Fyers-Signature', { 'x-fyers-signature': mac.toString('hex') }],
    ['base64 HMAC', { 'x-fyers-signature': mac.toString('base64') }],
    ['sha256= prefixed HMAC in X-Signature', { 'x-signature': `sha256=${mac.toString('hex')}` }],
    ['the secret itself in X-Fyers-Secret', { 'x-fyers-secret': SECRET }],
  ])('%s', (_label, headers) => {
    expect(verifyFyersPostback(body, headers, SECRET)).toBe(true);
  });
  it.each([
    ['no header', {}],
    ['a MAC of another body', { 'x-fyers-signature': createHmac('sha256', SECRET).update('{}').digest('hex') }],
    ['a MAC with another secret', { 'x-fyers-signature': createHmac('sha256', 'other').update(body).digest('hex') }],
    ['the wrong secret', { 'x-fyers-secret': 'dashboard-secreT' }],
  ])('refuses %s', (_label, headers) => {
    expect(verifyFyersPostback(body, headers, SECRET)).toBe(false);
  });
  it('refuses everything when no secret is configured', () => {
    expect(verifyFyersPostback(body, { 'x-fyers-secret': '' }, '')).toBe(false);
  });
});

it('parses a postback into our words, with average price, exchange time and tag', () => {
  expect(parseFyersPostback(body)).toEqual({
    ok: true,
    report: { orderId: '26072100000001', symbol: 'NSE:X', side: 'BUY', qty: 130, productType: 'INTRADAY', state: 'partially_filled', filledQty: 65, avgPrice: 150.5, placedAt: Date.UTC(2026, 6, 22, 4, 30, 5), orderTag: 'abc' },
  });
  expect(parseFyersPostback(Buffer.from('nope'))).toEqual({ ok: false, reason: 'not JSON' });
  expect(parseFyersPostback(Buffer.from('{"id":"1","status":99}'))).toMatchObject({ ok: false });
});
