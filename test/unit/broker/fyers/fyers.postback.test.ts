import { createHmac } from 'node:crypto';
import { fyersPostbackSignature, parseFyersPostback } from '../../../../shared/broker/fyers/fyers.postback';

const SECRET = 'dashboard-secret';
const body = Buffer.from(JSON.stringify({ id: '26072100000001', symbol: 'NSE:X', side: 1, qty: 130, status: 6, filledQty: 65, tradedPrice: 150.5, productType: 'INTRADAY', orderTag: '1:abc', orderDateTime: '22-Jul-2026 10:00:05' }));
const mac = createHmac('sha256', SECRET).update(body).digest();

describe('fyersPostbackSignature: a signature header, when present, must match the secret', () => {
  it.each([
    ['hex HMAC in X-Fyers-Signature', { 'x-fyers-signature': mac.toString('hex') }],
    ['base64 HMAC', { 'x-fyers-signature': mac.toString('base64') }],
    ['sha256= prefixed HMAC in X-Signature', { 'x-signature': `sha256=${mac.toString('hex')}` }],
    ['the secret itself in X-Fyers-Secret', { 'x-fyers-secret': SECRET }],
  ])('%s is valid', (_label, headers) => {
    expect(fyersPostbackSignature(body, headers, SECRET)).toBe('valid');
  });
  it('no signature header at all is absent (the URL token decides)', () => {
    expect(fyersPostbackSignature(body, { 'content-type': 'application/json' }, SECRET)).toBe('absent');
    expect(fyersPostbackSignature(body, {}, undefined)).toBe('absent');
  });
  it.each([
    ['a MAC of another body', { 'x-fyers-signature': createHmac('sha256', SECRET).update('{}').digest('hex') }],
    ['a MAC with another secret', { 'x-fyers-signature': createHmac('sha256', 'other').update(body).digest('hex') }],
    ['the wrong secret', { 'x-fyers-secret': 'dashboard-secreT' }],
    ['one good header and one bad', { 'x-fyers-secret': SECRET, 'x-signature': 'nope' }],
  ])('refuses %s', (_label, headers) => {
    expect(fyersPostbackSignature(body, headers, SECRET)).toBe('invalid');
  });
  it('a header with no secret configured to check it is invalid', () => {
    expect(fyersPostbackSignature(body, { 'x-fyers-secret': 'anything' }, undefined)).toBe('invalid');
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
