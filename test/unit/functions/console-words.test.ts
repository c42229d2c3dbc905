import { alertWords, contractName, expiryWords, legLines, singleOrderWords } from '../../../functions/console/console-words';
import { strategyViews } from '../../../functions/console/console-strategies';
import { istInstant } from '../../../shared/platform/ist';
import type { AuditEntry } from '../../../shared/store/audit.port';
import type { OrderRecord } from '../../../shared/orders/lifecycle/order-record';

const NOW = istInstant('2027-01-12', 11, 0);
const entry = (over: Partial<AuditEntry>): AuditEntry => ({ requestId: 'r', receivedAt: NOW, day: '2027-01-12', status: 'placed', httpStatus: 200, latencyMs: 5, ...over });
const nifty = { ticker: 'NSE:NIFTY2711224500CE', underlying: 'NIFTY', strike: 24500, optionType: 'CE', expiry: istInstant('2027-01-12', 15, 30) / 1000 } as never;

describe('the console speaks as a trader', () => {
  it('names contracts by underlying, strike, type and expiry', () => {
    expect(contractName('NSE:NIFTY2711224500CE', () => nifty, NOW)).toBe('NIFTY 24500 CE, expires today');
    expect(contractName('NSE:UNKNOWN', () => undefined, NOW)).toBe('UNKNOWN');
    expect(expiryWords(istInstant('2027-01-13', 15, 30), NOW)).toBe('expires tomorrow');
    expect(expiryWords(istInstant('2027-01-15', 15, 30), NOW)).toBe('expires Fri 15 Jan');
  });

  it('says refusals in words, naming the field, never an internal code', () => {
    const w = alertWords(entry({ status: 'alert_invalid', httpStatus: 400, fields: { optionType: 'must be CE or PE' } }));
    expect(w).toEqual({ tone: 'bad', headline: 'Refused: invalid alert — optionType must be CE or PE', refused: true });
    expect(alertWords(entry({ status: 'risk_refused', httpStatus: 422, message: 'qty over MAX_LOTS' })).headline).toBe('Refused: refused by a risk rule — qty over MAX_LOTS');
    expect(alertWords(entry({ status: 'kill_switch', httpStatus: 403, message: 'Trading is disabled by the kill switch' })).headline).toBe('Refused: trading not allowed now — Trading is disabled by the kill switch');
    expect(alertWords(entry({ status: 'rejected', httpStatus: 422, message: 'margin shortfall' })).headline).toBe('Rejected: the broker rejected the order — margin shortfall');
  });

  it('tells "already there" from an order, and long from short', () => {
    expect(alertWords(entry({ alert: { position: 'long' }, brokerResponse: { legs: [] } })).headline).toBe('Already long: nothing to do');
    expect(alertWords(entry({ alert: { position: 'short' }, brokerResponse: { legs: [{ role: 'close' }, { role: 'open' }] } })).headline).toBe('Now short');
    expect(alertWords(entry({ status: 'duplicate' })).headline).toBe('Repeat of an earlier alert: nothing new sent');
  });

  it('lists a strategy alert leg by leg and a single order by what it asked', () => {
    const legs = legLines(entry({ brokerResponse: { legs: [{ role: 'close', side: 'SELL', qty: 65, symbol: 'NSE:NIFTY2711224500CE', status: 'filled' }, { role: 'open', side: 'BUY', qty: 65, symbol: 'NSE:X', status: 'rejected', reason: 'no margin' }] } }), (t) => (t === 'NSE:X' ? 'X' : 'NIFTY 24500 CE'));
    expect(legs).toEqual([
      { text: 'Closed: sold 65 NIFTY 24500 CE (filled)', tone: 'ok' },
      { text: 'Opened: bought 65 X (rejected) — no margin', tone: 'bad' },
    ]);
    expect(singleOrderWords(entry({ alert: { action: 'buy', qty: 2, symbol: 'NIFTY', strikeprice: { atmOffset: 1 }, optionType: 'CE' } }), (t) => t)).toBe('Buy 2 lots NIFTY ATM+1 CE');
  });
});

describe('per-strategy view', () => {
  const rec = (over: Partial<OrderRecord>): OrderRecord => ({ id: 'e1', orderId: 'o1', requestId: 'r', role: 'entry', symbol: 'NSE:C', side: 'BUY', qty: 65, productType: 'INTRADAY', orderType: 'MARKET', state: 'filled', filledQty: 65, avgPrice: 100, version: 1, createdAt: NOW, updatedAt: NOW, strategy: 'trend', ...over });

  it('joins the book, the records and the broker: P&L, protection levels and which orders can be cancelled', () => {
    const [v] = strategyViews({
      holdings: [{ strategy: 'trend', underlying: 'NIFTY', legs: [{ ticker: 'NSE:C', optionType: 'CE', side: 'BUY', qty: 65, lotSize: 65, productType: 'INTRADAY' }], updatedAt: NOW, applied: [] }],
      records: [
        rec({ exits: { slPoints: 20, tpPoints: 30, tickSize: 0.05, stop: { tag: 's', orderId: 'o2', qty: 65, status: 'placed' }, target: { tag: 't', orderId: 'o3', qty: 65, status: 'placed' } } }),
        rec({ id: 's1', orderId: 'o2', role: 'stop', parentId: 'e1', side: 'SELL', state: 'accepted', filledQty: 0, avgPrice: undefined }),
      ],
      positions: [{ symbol: 'NSE:C', netQty: 65, productType: 'INTRADAY', ltp: 118 }],
      brokerOrders: [{ orderId: 'o2', symbol: 'NSE:C', side: 'SELL', qty: 65, productType: 'INTRADAY', state: 'working' }],
    });
    expect(v!.name).toBe('trend');
    expect(v!.pnl).toBeCloseTo(18 * 65);
    expect(v!.held[0]).toMatchObject({ avgPrice: 100, ltp: 118, brokerNetQty: 65 });
    expect(v!.held[0]!.unrealised).toBeCloseTo(1170);
    expect(v!.protection).toEqual([expect.objectContaining({ stop: { level: 80, status: 'working', brokerState: 'working' }, target: { level: 130, status: 'working', brokerState: undefined }, trailing: false })]);
    expect(v!.orders.map((o) => [o.record.id, o.cancellable])).toEqual([['e1', false], ['s1', true]]);
  });

  it('a written leg: stop above, target below', () => {
    const [v] = strategyViews({ holdings: [], records: [rec({ side: 'SELL', exits: { slPoints: 10, tpPoints: 20, tickSize: 0.05 } })], positions: [], brokerOrders: [] });
    expect(v!.protection[0]).toMatchObject({ stop: { level: 110, status: 'not placed yet' }, target: { level: 80 } });
  });
});
