import { orderStateOf, toOrderReport, toTradeFill } from '../../../../shared/broker/fyers/fyers.orderbook';

describe('Fyers order status → the port order state', () => {
  it.each([
    [1, 0, 'cancelled'],
    [2, 65, 'filled'],
    [4, 0, 'working'],
    [5, 0, 'rejected'],
    [6, 0, 'working'],
    [6, 30, 'partially_filled'],
    [7, 0, 'expired'],
  ] as const)('status %i with %i of 65 filled is %s', (status, filled, state) => {
    expect(orderStateOf(status, filled, 65)).toBe(state);
  });

  it('a code it does not know has no state of its own', () => {
    expect(orderStateOf(99, 0, 65)).toBeUndefined();
  });

  it('an orderbook row carries the state, never the Fyers code', () => {
    const order = toOrderReport({ id: '1', symbol: 'NSE:X', side: -1, qty: 65, filledQty: 20, tradedPrice: 101.5, productType: 'INTRADAY', status: 6, orderTag: '1:tvabc' });
    expect(order).toMatchObject({ state: 'partially_filled', side: 'SELL', orderTag: 'tvabc', filledQty: 20, avgPrice: 101.5 });
    expect(order).not.toHaveProperty('status');
  });

  it('an unknown status reads as working from the orderbook (it still counts as open) and is skipped when asked', () => {
    const row = { id: '1', symbol: 'NSE:X', side: 1, qty: 65, status: 99 };
    expect(toOrderReport(row)?.state).toBe('working');
    expect(toOrderReport(row, { unknownStatus: 'skip' })).toBeUndefined();
  });

  it('an untagged order has no tag, and no average price before anything filled', () => {
    const order = toOrderReport({ id: '1', symbol: 'NSE:X', side: 1, qty: 65, status: 6, tradedPrice: 0, orderTag: '2:Untagged' });
    expect(order).not.toHaveProperty('orderTag');
    expect(order).not.toHaveProperty('avgPrice');
  });

  it('a row that is not an order (no id) is not read', () => {
    expect(toOrderReport({ symbol: 'NSE:X', side: 1, qty: 65, status: 2 })).toBeUndefined();
  });
});

describe('Fyers tradebook row → TradeFill', () => {
  it('reads quoted numbers and the IST time', () => {
    expect(toTradeFill({ orderNumber: 26072100000001, tradeNumber: 'T1', tradedQty: '65', tradePrice: '150.5', orderDateTime: '22-Jul-2026 10:00:05' })).toEqual({
      orderId: '26072100000001', tradeId: 'T1', qty: 65, price: 150.5, at: Date.UTC(2026, 6, 22, 4, 30, 5),
    });
  });
  it('gives a fill without a trade number an id of its own, and refuses a row without a quantity', () => {
    expect(toTradeFill({ orderNumber: '9', tradedQty: 65, tradePrice: 10 })?.tradeId).toBe('9:65@10');
    expect(toTradeFill({ orderNumber: '9', tradePrice: 10 })).toBeUndefined();
  });
});
