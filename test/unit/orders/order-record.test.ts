import type { OrderReport } from '../../../shared/broker/broker.port';
import { exitLevels, exitTag } from '../../../shared/orders/lifecycle/managed-exits';
import { orderEventFor, ORDER_EVENT_SCHEMA } from '../../../shared/orders/lifecycle/order-event';
import { applyReport, type OrderRecord } from '../../../shared/orders/lifecycle/order-record';
import { orderStateOf as stateOf } from '../../../shared/broker/fyers/fyers.orderbook';

const rec = (over: Partial<OrderRecord> = {}): OrderRecord => ({
  id: 'O1', orderId: 'O1', requestId: 'req1', role: 'entry', symbol: 'NSE:X', side: 'BUY', qty: 130, productType: 'INTRADAY', orderType: 'MARKET',
  state: 'accepted', filledQty: 0, version: 1, createdAt: 0, updatedAt: 0, ...over,
});
const report = (over: Partial<OrderReport> = {}): OrderReport => ({
  orderId: 'O1', symbol: 'NSE:X', side: 'BUY', qty: 130, productType: 'INTRADAY', state: 'working', filledQty: 0, ...over,
});

describe('applyReport: a report only moves a record forward', () => {
  it('moves accepted → partially_filled → filled, bumping the version each time, with quantity and price', () => {
    const a = applyReport(rec(), report({ state: 'partially_filled', filledQty: 65, avgPrice: 150 }), 10)!;
    expect(a).toMatchObject({ from: 'accepted', to: 'partially_filled', record: { filledQty: 65, avgPrice: 150, version: 2, updatedAt: 10 } });
    const b = applyReport(a.record, report({ state: 'filled', filledQty: 130, avgPrice: 151, placedAt: 99 }), 20)!;
    expect(b.record).toMatchObject({ state: 'filled', filledQty: 130, avgPrice: 151, exchangeTime: 99, version: 3 });
  });

  it('ignores a duplicate, a stale report (less filled), an older state after a newer one, and anything after an end', () => {
    const partial = rec({ state: 'partially_filled', filledQty: 65, version: 2 });
    expect(applyReport(partial, report({ state: 'partially_filled', filledQty: 65 }), 1)).toBeUndefined();
    expect(applyReport(partial, report({ state: 'working', filledQty: 0 }), 1)).toBeUndefined();
    expect(applyReport(rec({ state: 'accepted' }), report({ state: 'working' }), 1)).toBeUndefined();
    for (const end of ['filled', 'rejected', 'cancelled', 'expired'] as const) {
      expect(applyReport(rec({ state: end }), report({ state: 'filled', filledQty: 130 }), 1)).toBeUndefined();
    }
  });

  it('never fills more than the record ordered, and ignores a report for another symbol or side (issue 19)', () => {
    const over = applyReport(rec(), report({ state: 'filled', filledQty: 13_000 }), 1)!;
    expect(over.record).toMatchObject({ state: 'filled', filledQty: 130 });
    expect(applyReport(rec(), report({ symbol: 'NSE:Y', state: 'filled', filledQty: 130 }), 1)).toBeUndefined();
    expect(applyReport(rec(), report({ side: 'SELL', state: 'filled', filledQty: 130 }), 1)).toBeUndefined();
  });

  it('a partly filled order that is cancelled keeps its filled quantity', () => {
    const c = applyReport(rec({ state: 'partially_filled', filledQty: 65, version: 2 }), report({ state: 'cancelled', filledQty: 65 }), 1)!;
    expect(c.record).toMatchObject({ state: 'cancelled', filledQty: 65 });
  });

  it('resolves an unknown record, even to accepted, and marks it as resolved from unknown; its event says so', () => {
    const u = applyReport(rec({ id: 'tag-abc', orderId: undefined, orderTag: 'abc', state: 'unknown' }), report({ orderId: 'O9' }), 5)!;
    expect(u).toMatchObject({ from: 'unknown', to: 'accepted', record: { orderId: 'O9', resolvedFromUnknown: true, version: 2 } });
    const ev = orderEventFor(u.record, u.from);
    expect(ev).toMatchObject({ schema: ORDER_EVENT_SCHEMA, eventId: 'tag-abc:2', type: 'order.accepted', previousState: 'unknown', resolvedFromUnknown: true, orderId: 'O9' });
  });
});

describe('Fyers status codes in our words', () => {
  it.each([
    [1, 0, 'cancelled'], [2, 130, 'filled'], [4, 0, 'working'], [6, 0, 'working'], [6, 65, 'partially_filled'], [5, 0, 'rejected'], [7, 0, 'expired'], [3, 0, undefined],
  ])('status %i with %i filled is %s', (status, filled, state) => {
    expect(stateOf(status, filled)).toBe(state);
  });
});

describe('managed exit levels', () => {
  it('puts a long position\'s stop below (SL-L limit further below, inside the band) and its target above, on the tick', () => {
    const entry = rec({ avgPrice: 152.35 });
    expect(exitLevels(entry, { slPoints: 10, tpPoints: 20, tickSize: 0.05 }, 0.02)).toEqual({ stop: { trigger: 142.35, limit: 139.5 }, target: 172.35 });
  });
  it('mirrors them for a short position', () => {
    const entry = rec({ side: 'SELL', avgPrice: 100 });
    expect(exitLevels(entry, { slPoints: 5, tpPoints: 10, tickSize: 0.05 }, 0.02)).toEqual({ stop: { trigger: 105, limit: 107.1 }, target: 90 });
  });
  it('leaves out a leg the alert did not ask for, and a stop that would be at or below zero', () => {
    expect(exitLevels(rec({ avgPrice: 5 }), { slPoints: 6, tpPoints: 2, tickSize: 0.05 }, 0.02)).toEqual({ target: 7 });
  });
  it('tags exits deterministically, within Fyers\' 30 letters and digits', () => {
    expect(exitTag('25120400000372', 'S')).toMatch(/^[A-Za-z0-9]{1,30}$/);
    expect(exitTag('25120400000372', 'S')).toBe(exitTag('25120400000372', 'S'));
    expect(exitTag('25120400000372', 'S')).not.toBe(exitTag('25120400000372', 'T'));
  });
});
