import type { Broker } from '../../shared/broker/broker.port';

/**
 * A broker that answers every call inertly (empty book, nothing open, writes refused), with the calls
 * a test is about given in `over`. Keeps each test's stand-in down to what it exercises.
 */
export function stubBroker(over: Partial<Broker> = {}): Broker {
  return {
    name: 'fyers',
    getQuotes: async () => new Map(),
    getPositions: async () => [],
    getFunds: async () => ({ available: 0 }),
    checkSession: async () => ({ valid: true }),
    findOrders: async () => [],
    tradebook: async () => [],
    placeOrder: async () => ({ status: 'rejected', code: 'STUB', reason: 'stub' }),
    placeBasket: async () => [],
    cancelOrder: async () => ({ status: 'not-open', reason: 'stub' }),
    modifyOrder: async () => ({ status: 'refused', reason: 'stub' }),
    ...over,
  };
}
