import { InvalidAlertError } from '../../../shared/errors';
import { parseAlert } from '../../../shared/alert/parse-alert';

const valid = { token: 's3cret', symbol: 'NIFTY', action: 'BUY', optionType: 'CE', strikeprice: 24500 };

function fieldsOf(body: unknown): Record<string, string> {
  try {
    parseAlert(body);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidAlertError);
    return (e as InvalidAlertError).details!.fields as Record<string, string>;
  }
  throw new Error('expected the alert to be refused');
}

describe('parseAlert', () => {
  it('applies the documented defaults', () => {
    expect(parseAlert(valid)).toMatchObject({
      symbol: 'NIFTY', action: 'BUY', optionType: 'CE', strikeprice: 24500,
      expiry: 'nearest', qty: 1, productType: 'INTRADAY', orderType: 'MARKET', intent: 'open',
    });
  });

  it('accepts TradingView placeholders: numbers as strings and lower-case enums', () => {
    const a = parseAlert({ ...valid, action: 'sell', optionType: 'pe', strikeprice: '24550', qty: '3', productType: 'margin', orderType: 'limit', price: '101.25', intent: 'CLOSE', expiry: 'Monthly' });
    expect(a).toMatchObject({ action: 'SELL', optionType: 'PE', strikeprice: 24550, qty: 3, productType: 'MARGIN', orderType: 'LIMIT', price: 101.25, intent: 'close', expiry: 'monthly' });
  });

  it.each([
    ['ATM', { atmOffset: 0 }],
    ['atm+2', { atmOffset: 2 }],
    ['ATM - 3', { atmOffset: -3 }],
  ])('reads strike %s as an ATM offset', (input, expected) => {
    expect(parseAlert({ ...valid, strikeprice: input }).strikeprice).toEqual(expected);
  });

  it('accepts exchange-prefixed symbols and explicit dates', () => {
    const a = parseAlert({ ...valid, symbol: 'bse:sensex', expiry: '2026-12-03' });
    expect(a.symbol).toBe('BSE:SENSEX');
    expect(a.expiry).toEqual({ date: '2026-12-03' });
  });

  it('names every missing field', () => {
    const fields = fieldsOf({ token: 'x' });
    expect(Object.keys(fields).sort()).toEqual(['action', 'optionType', 'strikeprice', 'symbol']);
  });

  it('refuses unknown fields by name and suggests the right one', () => {
    const fields = fieldsOf({ ...valid, stoploss: 20, foo: 1 });
    expect(fields.stoploss).toMatch(/did you mean 'sl'/);
    expect(fields.foo).toMatch(/not a known field/);
  });

  it.each([
    [{ action: 'HOLD' }, 'action'],
    [{ optionType: 'CALL' }, 'optionType'],
    [{ strikeprice: 'ATM+x' }, 'strikeprice'],
    [{ strikeprice: -5 }, 'strikeprice'],
    [{ expiry: '2026-02-30' }, 'expiry'],
    [{ expiry: 'weekly' }, 'expiry'],
    [{ qty: 1.5 }, 'qty'],
    [{ qty: '0' }, 'qty'],
    [{ qty: 'ten' }, 'qty'],
    [{ productType: 'CNC' }, 'productType'],
    [{ symbol: 'NIFTY 50!' }, 'symbol'],
    [{ token: '' }, 'token'],
    [{ idempotency_key: 'has space' }, 'idempotency_key'],
  ])('refuses %j naming %s', (patch, field) => {
    expect(Object.keys(fieldsOf({ ...valid, ...patch }))).toContain(field);
  });

  it('accepts sl/tp on INTRADAY and MARGIN as legs (or managed), and refuses them with PROTECTION=off', () => {
    for (const protection of ['legs', 'managed'] as const) {
      expect(parseAlert({ ...valid, sl: 20, tp: 40 }, { protection })).toMatchObject({ productType: 'INTRADAY', sl: 20, tp: 40 });
      expect(parseAlert({ ...valid, productType: 'MARGIN', sl: 20 }, { protection })).toMatchObject({ productType: 'MARGIN', sl: 20 });
    }
    const off = (() => { try { parseAlert({ ...valid, sl: 20, tp: 40 }, { protection: 'off' }); } catch (e) { return (e as { details: { fields: Record<string, string> } }).details.fields; } return {}; })();
    const why = 'is not accepted here: PROTECTION=off: stop-loss, target and trail are not accepted on INTRADAY';
    expect(off).toEqual({ sl: why, tp: why });
  });

  it('carries CO/BO (retired at Fyers, -1800) as INTRADAY with the same offsets, and says so in a plain sentence', () => {
    const bo = parseAlert({ ...valid, productType: 'BO', sl: '12.5', tp: 30 });
    expect(bo).toMatchObject({ productType: 'INTRADAY', sl: 12.5, tp: 30 });
    expect(bo.note).toBe('productType BO is retired at Fyers, so this order was sent as INTRADAY with TP/SL legs: a stop-loss of 12.5 points and a target of 30 points.');
    const co = parseAlert({ ...valid, productType: 'CO', sl: 10 }, { protection: 'managed' });
    expect(co).toMatchObject({ productType: 'INTRADAY', sl: 10 });
    expect(co.note).toMatch(/CO is retired.*INTRADAY with managed exits \(a stop-loss of 10 points\)/);
  });

  it('keeps the CO/BO rules (CO: stop only, BO: both), and refuses them where no stop can be carried', () => {
    expect(fieldsOf({ ...valid, productType: 'CO' }).sl).toMatch(/required/);
    expect(Object.keys(fieldsOf({ ...valid, productType: 'BO', sl: 10 }))).toEqual(['tp']);
    expect(fieldsOf({ ...valid, productType: 'CO', sl: 10, tp: 5 }).tp).toMatch(/stop only/);
    const off = (() => { try { parseAlert({ ...valid, productType: 'BO', sl: 10, tp: 20 }, { protection: 'off' }); } catch (e) { return (e as { details: { fields: Record<string, string> } }).details.fields; } return {}; })();
    expect(off.productType).toMatch(/retired at Fyers.*send productType INTRADAY/);
  });

  it('takes sl/tp/trail in percent of the fill ("1.5%"), refuses a trail outside managed and mixed units as legs', () => {
    expect(parseAlert({ ...valid, sl: '1.5%', tp: '3 %' })).toMatchObject({ sl: { pct: 1.5 }, tp: { pct: 3 } });
    expect(parseAlert({ ...valid, sl: 10, tp: '3%', trail: '1%' }, { protection: 'managed' })).toMatchObject({ sl: 10, tp: { pct: 3 }, trail: { pct: 1 } });
    expect(fieldsOf({ ...valid, sl: 10, tp: '3%' }).tp).toMatch(/same unit/);
    expect(fieldsOf({ ...valid, sl: 10, trail: 5 }).trail).toMatch(/PROTECTION=managed/);
    expect(fieldsOf({ ...valid, sl: '100%' }).sl).toMatch(/below 100/);
    expect(fieldsOf({ ...valid, sl: '-2%' }).sl).toMatch(/percent/);
  });

  it('requires a price for LIMIT and refuses one for MARKET', () => {
    expect(fieldsOf({ ...valid, orderType: 'LIMIT' }).price).toMatch(/required/);
    expect(fieldsOf({ ...valid, price: 100 }).price).toMatch(/only accepted with orderType LIMIT/);
  });

  it.each([null, [], 'NIFTY', 42])('refuses a non-object body %j', (body) => {
    expect(fieldsOf(body)).toHaveProperty('body');
  });

  it('treats __proto__ as an unknown field instead of merging it', () => {
    const body = JSON.parse('{"token":"s3cret","symbol":"NIFTY","action":"BUY","optionType":"CE","strikeprice":24500,"__proto__":{"polluted":true}}');
    expect(Object.keys(fieldsOf(body))).toContain('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
