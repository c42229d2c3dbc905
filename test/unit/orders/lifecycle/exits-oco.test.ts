import { claimExits } from '../../../../shared/orders/lifecycle/managed-exits';
import type { ExitLeg, OrderRecord } from '../../../../shared/orders/lifecycle/order-record';

/**
 * One-cancels-other when a leg fills in parts: what the stop and the target have filled between them is
 * what neither needs to cover again, and a leg that filled part of its own order is cut back like the
 * other. Decided from the entry's record alone (claimExits), as a run does inside its transaction.
 */
const SETTINGS = { managedExits: () => true, exitClaimMs: 10_000, stopLimitSlippagePct: 0.02, unfilledAlertMs: 3_600_000, outboxGraceMs: 0 };
const NOW = Date.UTC(2026, 6, 1, 5, 0);

function entry(filledQty: number, stop: Partial<ExitLeg>, target: Partial<ExitLeg>): OrderRecord {
  return {
    id: 'E1', orderId: 'E1', requestId: 'r1', role: 'entry', symbol: 'NSE:NIFTY2672124400CE', side: 'BUY', qty: 100, productType: 'INTRADAY', orderType: 'MARKET',
    state: filledQty >= 100 ? 'filled' : 'partially_filled', filledQty, avgPrice: 150, version: 3, createdAt: NOW, updatedAt: NOW, exitsActive: true,
    exits: {
      slPoints: 10, tpPoints: 20, tickSize: 0.05,
      stop: { tag: 'E1S', orderId: 'X1', qty: 100, status: 'placed', trigger: 140, limit: 137.2, ...stop },
      target: { tag: 'E1T', orderId: 'X2', qty: 100, status: 'placed', ...target },
    },
  } as OrderRecord;
}

const sendsOf = (r: OrderRecord) => {
  const { claim } = claimExits(r, 'me', NOW, SETTINGS);
  if (!claim || claim === 'busy') throw new Error('no claim');
  return claim.sends.map((s) => (s.kind === 'modify' ? `modify ${s.name} ${s.qty}` : s.kind === 'cancel' ? `cancel ${s.name}` : s.kind));
};

it('the stop fills 30 of 100: the target is cut to the 70 still open, the stop left as it is', () => {
  expect(sendsOf(entry(100, { filledQty: 30 }, {}))).toEqual(['modify target 70']);
});

it('then the target fills those 70: the position is flat, so what is left of the stop is cancelled', () => {
  expect(sendsOf(entry(100, { filledQty: 30 }, { qty: 70, filledQty: 70, status: 'gone' }))).toEqual(['cancel stop']);
});

it('both legs partly filled: each is left working for exactly what is still open, on top of its own fills', () => {
  // 30 + 20 filled of 100: 50 open; the stop stays for 30 + 50, the target for 20 + 50.
  expect(sendsOf(entry(100, { filledQty: 30 }, { qty: 70, filledQty: 20 }))).toEqual(['modify stop 80']);
});

it('the entry fills on after the stop filled part: the legs grow with what is open', () => {
  // The entry had 60 filled and the stop 20 of 60; now the entry has 100: 80 open.
  expect(sendsOf(entry(100, { qty: 60, filledQty: 20 }, { qty: 40 }))).toEqual(['modify stop 100', 'modify target 80']);
});
