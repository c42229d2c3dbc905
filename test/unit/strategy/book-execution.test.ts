import type { LegResult } from '../../../shared/orders/leg-result';
import { applyHoldingChange, type Holding, type HoldingsStore } from '../../../shared/store/holdings.port';
import { bookExecution, type PlanBuilder } from '../../../shared/strategy/close-plan';

/** The book takes what the broker filled, not what it accepted; whatever may still fill stays pending. */
const CE = 'NSE:NIFTY26JUL24500CE';

function memoryHoldings(): HoldingsStore & { state: Map<string, Holding> } {
  const state = new Map<string, Holding>();
  return {
    state,
    get: async (s, u) => state.get(`${s}|${u}`),
    list: async () => [...state.values()],
    apply: async (s, u, change) => {
      const next = applyHoldingChange(state.get(`${s}|${u}`), s, u, change);
      state.set(`${s}|${u}`, next);
      return next;
    },
  };
}

const builder = (heldSide?: 'BUY'): PlanBuilder => ({ plan: [], meta: new Map([[0, { strategy: 'trend', underlying: 'NIFTY', optionType: 'CE', lotSize: 65, ...(heldSide ? { heldSide } : {}) }]]) });
const leg = (over: Partial<LegResult>): LegResult => ({ leg: 0, role: 'open', symbol: CE, side: 'BUY', productType: 'INTRADAY', qty: 195, lots: 3, orderTag: 'tvkey0o0', status: 'filled', ...over });

it('books the slices that filled of a sliced open one slice of which was refused, and keeps the order pending', async () => {
  const h = memoryHoldings();
  await bookExecution(h, builder(), { legs: [leg({ status: 'rejected', filledQty: 130, reason: 'RMS' })] }, 'k', 1);
  const held = h.state.get('trend|NIFTY')!;
  expect(held.legs).toEqual([expect.objectContaining({ ticker: CE, side: 'BUY', qty: 130 })]);
  expect(held.pending).toEqual([expect.objectContaining({ orderTag: 'tvkey0o0', intent: 'open', booked: 130 })]);
});

it('books nothing of an open still resting, only its pending order', async () => {
  const h = memoryHoldings();
  await bookExecution(h, builder(), { legs: [leg({ status: 'working' })] }, 'k', 1);
  expect(h.state.get('trend|NIFTY')).toMatchObject({ legs: [], pending: [expect.objectContaining({ booked: 0 })] });
});

it('takes away only what a close filled, and leaves the rest of the leg held', async () => {
  const h = memoryHoldings();
  await h.apply('trend', 'NIFTY', { key: 'open', nowMs: 0, add: [{ ticker: CE, optionType: 'CE', side: 'BUY', qty: 195, lotSize: 65, productType: 'INTRADAY' }], remove: [] });
  await bookExecution(h, builder('BUY'), { legs: [leg({ role: 'close', side: 'SELL', status: 'working', filledQty: 65, orderTag: 'tvkey0c0' })] }, 'k', 1);
  const held = h.state.get('trend|NIFTY')!;
  expect(held.legs).toEqual([expect.objectContaining({ side: 'BUY', qty: 130 })]);
  expect(held.pending).toEqual([expect.objectContaining({ intent: 'close', booked: 65, leg: expect.objectContaining({ side: 'BUY' }) })]);
});

it('books a filled order whole and leaves nothing pending; a refused one changes nothing', async () => {
  const h = memoryHoldings();
  await bookExecution(h, builder(), { legs: [leg({})] }, 'k1', 1);
  await bookExecution(h, builder(), { legs: [leg({ status: 'rejected' })] }, 'k2', 2);
  expect(h.state.get('trend|NIFTY')).toMatchObject({ legs: [expect.objectContaining({ qty: 195 })] });
  expect(h.state.get('trend|NIFTY')?.pending).toBeUndefined();
});
