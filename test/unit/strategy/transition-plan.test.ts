import { DEFAULT_MAPPING } from '../../../shared/alert/strategy-alert.schema';
import type { HeldLeg } from '../../../shared/store/holdings.port';
import { planTransition, reconcileLegs } from '../../../shared/strategy/transition-plan';

const leg = (optionType: 'CE' | 'PE', side: 'BUY' | 'SELL', qty = 65, ticker = `NSE:NIFTY26JUL24500${optionType}`): HeldLeg => ({
  ticker, optionType, side, qty, lotSize: 65, productType: 'INTRADAY',
});

describe('planTransition (position mode)', () => {
  it('flat -> long opens the long side (a bought call by default) and closes nothing', () => {
    expect(planTransition([], 'long', DEFAULT_MAPPING)).toEqual({ close: [], open: { side: 'BUY', optionType: 'CE' } });
  });

  it('long -> short closes the call and opens a bought put', () => {
    const ce = leg('CE', 'BUY');
    expect(planTransition([ce], 'short', DEFAULT_MAPPING)).toEqual({ close: [ce], open: { side: 'BUY', optionType: 'PE' } });
  });

  it('already long does nothing, whatever strike or size the call has', () => {
    expect(planTransition([leg('CE', 'BUY', 130, 'NSE:NIFTY26JUL24700CE')], 'long', DEFAULT_MAPPING)).toEqual({ close: [] });
  });

  it('flat closes everything, written legs before bought ones', () => {
    const long = leg('CE', 'BUY');
    const written = leg('PE', 'SELL');
    expect(planTransition([long, written], 'flat', DEFAULT_MAPPING)).toEqual({ close: [written, long] });
  });

  it('a mapping that writes options is honoured only as spelled: short = SELL CE', () => {
    const mapping = { long: { side: 'BUY' as const, optionType: 'CE' as const }, short: { side: 'SELL' as const, optionType: 'CE' as const } };
    const ce = leg('CE', 'BUY');
    expect(planTransition([ce], 'short', mapping)).toEqual({ close: [ce], open: { side: 'SELL', optionType: 'CE' } });
    // A bought call is not the written call the short side asks for.
    expect(planTransition([leg('CE', 'SELL')], 'short', mapping)).toEqual({ close: [] });
  });
});

describe('reconcileLegs', () => {
  it('trims a leg to the broker position on its side, in whole lots, and drops what the broker no longer holds', () => {
    const a = leg('CE', 'BUY', 130);
    const b = leg('PE', 'BUY', 65);
    const r = reconcileLegs([a, b], [{ symbol: a.ticker, productType: 'INTRADAY', netQty: 65 }]);
    expect(r.legs).toEqual([{ ...a, qty: 65 }]);
    expect(r.trimmed).toEqual([{ ticker: a.ticker, from: 130, to: 65 }, { ticker: b.ticker, from: 65, to: 0 }]);
  });

  it('never lets a close flip a position: a written leg against a broker long closes nothing', () => {
    const w = leg('CE', 'SELL', 65);
    expect(reconcileLegs([w], [{ symbol: w.ticker, productType: 'INTRADAY', netQty: 65 }]).legs).toEqual([]);
  });
});

