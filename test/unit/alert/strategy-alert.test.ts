import { isStrategyAlert, parseStrategyAlert } from '../../../shared/alert/strategy-alert.schema';
import { InvalidAlertError } from '../../../shared/errors';

const base = { token: 't', symbol: 'NIFTY', strategy: 'trend' };
const fieldsOf = (body: unknown): Record<string, string> => {
  try {
    parseStrategyAlert(body);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidAlertError);
    return (e as InvalidAlertError).details?.fields as Record<string, string>;
  }
  throw new Error('accepted');
};

describe('strategy alerts', () => {
  it('are told apart from single orders by position, legs or a flatten intent', () => {
    expect(isStrategyAlert({ ...base, position: 'long' })).toBe(true);
    expect(isStrategyAlert({ ...base, legs: [] })).toBe(true);
    expect(isStrategyAlert({ token: 't', intent: 'FLATTEN', strategy: 's' })).toBe(true);
    expect(isStrategyAlert({ token: 't', action: 'BUY', intent: 'close' })).toBe(false);
  });

  it('read the mapping: a bare option type buys, writing must be spelled out', () => {
    const a = parseStrategyAlert({ ...base, position: 'SHORT', mapping: { long: 'ce', short: 'sell  pe' } });
    expect(a.position).toBe('short');
    expect(a.mapping).toEqual({ long: { side: 'BUY', optionType: 'CE' }, short: { side: 'SELL', optionType: 'PE' } });
    expect(fieldsOf({ ...base, position: 'long', mapping: { long: 'WRITE CE' } })).toHaveProperty(['mapping.long']);
  });

  it('read legs with ATM offsets, string ratios and a default ratio of 1', () => {
    const a = parseStrategyAlert({ ...base, legs: [{ optionType: 'pe', strike: 'ATM-2', action: 'sell', ratio: '2' }, { optionType: 'CE', strike: 24500, action: 'BUY' }] });
    expect(a.legs).toEqual([
      { optionType: 'PE', strike: { atmOffset: -2 }, action: 'SELL', ratio: 2 },
      { optionType: 'CE', strike: 24500, action: 'BUY', ratio: 1 },
    ]);
  });

  it('name the field at fault: unknown fields, a bad leg, a missing strategy, two modes at once', () => {
    expect(Object.keys(fieldsOf({ ...base, position: 'long', stoploss: 5 }))).toContain('stoploss');
    expect(Object.keys(fieldsOf({ ...base, legs: [{ optionType: 'XX', strike: 'ATM', action: 'BUY' }] }))).toContain('legs.0.optionType');
    expect(fieldsOf({ token: 't', symbol: 'NIFTY', position: 'long' })).toHaveProperty('strategy');
    expect(fieldsOf({ ...base, position: 'long', legs: [{ optionType: 'CE', strike: 'ATM', action: 'BUY' }] })).toHaveProperty('body');
    expect(fieldsOf({ ...base, legs: [{ optionType: 'CE', strike: 'ATM', action: 'BUY' }], qty: { fundsPct: 5 } })).toHaveProperty('qty');
    expect(fieldsOf({ ...base, position: 'long', productType: 'BO' })).toHaveProperty('productType');
    expect(fieldsOf({ token: 't', intent: 'flatten' })).toHaveProperty('strategy');
  });
});
