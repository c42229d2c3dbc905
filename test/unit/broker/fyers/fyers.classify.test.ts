import { retryAfterMs, isTokenDead } from '../../../../shared/broker/fyers/fyers.errors';
import { parseOrderTime, stripTag } from '../../../../shared/broker/fyers/fyers.orderbook';
import { placeOutcome } from '../../../../shared/broker/fyers/fyers.place-outcome';
import type { FyersBody } from '../../../../shared/broker/fyers/fyers.http';
import { jwtExpiryMs } from '../../../../shared/tokens/jwt-expiry';

const reply = (httpStatus: number, body?: FyersBody, headers: Record<string, string> = {}) => ({ httpStatus, body, headers: new Headers(headers) });

describe('placeOutcome', () => {
  it.each([
    ['ok with id', reply(200, { s: 'ok', code: 1101, message: 'Successfully placed order', id: '26072100000001' }), 'placed'],
    ['ok with a numeric id', reply(200, { s: 'ok', code: 1101, id: 808058117761 }), 'placed'],
    ['code 201 even with s ok and an id', reply(200, { s: 'ok', code: 201, id: '1' }), 'unknown'],
    ['code 201 as a string', reply(200, { s: 'error', code: '201', message: 'no ack' }), 'unknown'],
    ['-50 with HTTP 400', reply(400, { s: 'error', code: -50, message: 'Invalid qty' }), 'rejected'],
    ['-99 with HTTP 200', reply(200, { s: 'error', code: -99, message: 'RMS' }), 'rejected'],
    ['403 without a code', reply(403, { s: 'error', message: 'no permission' }), 'rejected'],
    ['-96 unexpected error', reply(200, { s: 'error', code: -96, message: 'unexpected' }), 'unknown'],
    ['-204 connection error', reply(200, { s: 'error', code: -204 }), 'unknown'],
    ['500 with a refusal body', reply(500, { s: 'error', code: -50 }), 'unknown'],
    ['an empty 200', reply(200), 'unknown'],
    ['ok without an id', reply(200, { s: 'ok', code: 1101 }), 'unknown'],
    ['s neither ok nor error', reply(200, { code: 1101, id: '1' }), 'unknown'],
  ])('%s → %s', (_name, r, status) => {
    expect(placeOutcome(r).status).toBe(status);
  });

  it('keeps the broker code and message of a refusal', () => {
    expect(placeOutcome(reply(400, { s: 'error', code: -300, message: 'Invalid symbol' }))).toEqual({ status: 'rejected', code: -300, reason: 'Invalid symbol' });
  });
});

describe('Fyers error helpers', () => {
  it('token death: codes -8/-15/-16/-17 with any status, or HTTP 401', () => {
    for (const code of [-8, -15, -16, -17]) expect(isTokenDead(reply(200, { s: 'error', code }))).toBe(true);
    expect(isTokenDead(reply(401))).toBe(true);
    expect(isTokenDead(reply(400, { s: 'error', code: -50 }))).toBe(false);
  });

  it('retry delay from X-Retry-After-Ms, then Retry-After seconds, else 1 s', () => {
    expect(retryAfterMs(new Headers({ 'x-retry-after-ms': '250', 'retry-after': '3' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' }))).toBe(1000);
    expect(retryAfterMs(new Headers())).toBe(1000);
  });
});

describe('orderbook parsing', () => {
  it('strips the 1: prefix and drops 2:Untagged', () => {
    expect(stripTag('1:tvAbc')).toBe('tvAbc');
    expect(stripTag('tvAbc')).toBe('tvAbc');
    expect(stripTag('2:Untagged')).toBeUndefined();
    expect(stripTag('')).toBeUndefined();
  });

  it('reads "09-Mar-2023 09:34:38" as IST', () => {
    expect(parseOrderTime('09-Mar-2023 09:34:38')).toBe(Date.UTC(2023, 2, 9, 4, 4, 38));
    expect(parseOrderTime(1_700_000_000)).toBe(1_700_000_000_000);
    expect(parseOrderTime('yesterday')).toBeUndefined();
  });
});

describe('jwtExpiryMs', () => {
  const jwt = (payload: unknown) => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;
  it('reads exp as epoch ms without verifying', () => {
    expect(jwtExpiryMs(jwt({ exp: 1_784_700_000 }))).toBe(1_784_700_000_000);
  });
  it('is undefined for tokens without a numeric exp or that are not JWTs', () => {
    expect(jwtExpiryMs(jwt({ iat: 1 }))).toBeUndefined();
    expect(jwtExpiryMs(jwt({ exp: '1784700000' }))).toBeUndefined();
    expect(jwtExpiryMs('not-a-jwt')).toBeUndefined();
    expect(jwtExpiryMs('a.%%%.c')).toBeUndefined();
  });
});
