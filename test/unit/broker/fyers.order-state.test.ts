import { orderStateOf, toBrokerOrder } from '../../../shared/broker/fyers/fyers.orderbook';

describe('Fyers order status → the port order state', () => {
  it.each([
    [1, 0, 'cancelled'],
    [2, 65, 'filled'],
    [4, 0, 'working'],
    [5, 0, 'rejected'],
    [6, 0, 'working'],
    [6, 30, 'partially_filled'],
    [7, 0, 'expired'],
    [99, 0, 'working'],
  ] as const)('status %i with %i of 65 filled is %s', (status, filled, state) => {
    expect(orderStateOf(status, filled, 65)).toBe(state);
  });

  it('an orderbook row carries the state, never the Fyers code', () => {
    const order = toBrokerOrder({ id: '1', symbol: 'NSE:X', side: -1, qty: 65, filledQty: 20, productType: 'INTRADAY', status: 6, orderTag: '1:tvabc' });
    expect(order).toMatchObject({ state: 'partially_filled', side: 'SELL', orderTag: 'tvabc' });
    expect(order).not.toHaveProperty('status');
  });
});
