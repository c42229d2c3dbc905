import type { Position } from '../../../shared/broker/broker.port';
import type { Holding } from '../../../shared/store/holdings.port';
import { parseStrategyRisk } from '../../../shared/config/strategy-risk-config';
import { evaluateStrategyRisk, mergeDayState, strategyMtm } from '../../../shared/strategy/strategy-risk';

const holding = (strategy: string, ticker: string, qty: number): Holding => ({
  strategy, underlying: 'NIFTY', updatedAt: 0, applied: [], legs: [{ ticker, optionType: 'CE', side: 'BUY', qty, lotSize: 65, productType: 'INTRADAY' }],
});
const pos = (symbol: string, pnl: number): Position => ({ symbol, netQty: 130, productType: 'INTRADAY', pnl });

describe('strategy MTM from one positions read', () => {
  it('gives each strategy the P&L of the contracts it holds, shared by quantity, and nothing for contracts it does not hold', () => {
    const m = strategyMtm([pos('A', -3000), pos('B', 900), pos('C', 50)], [holding('s1', 'A', 65), holding('s2', 'A', 65), holding('s2', 'B', 130)]);
    expect(Object.fromEntries(m)).toEqual({ s1: -1500, s2: -600 });
  });
});

describe('strategy risk rules', () => {
  it('the stop and the target', () => {
    expect(evaluateStrategyRisk('s1', { stop: 3000 }, -3000, undefined).breach).toEqual({ rule: 'stop', summary: 'Strategy s1: MTM ₹-3,000 reached its stop of -₹3,000' });
    expect(evaluateStrategyRisk('s1', { stop: 3000, target: 5000 }, -2999, undefined).breach).toBeUndefined();
    expect(evaluateStrategyRisk('s1', { target: 5000 }, 5200, undefined).breach?.rule).toBe('target');
  });

  it('the profit lock: only after +lockAfter, then at most lockGiveBack back from the best seen', () => {
    const rules = { lockAfter: 4000, lockGiveBack: 1500 };
    let v = evaluateStrategyRisk('s1', rules, 3000, undefined);
    expect(v).toEqual({ peak: 3000 });
    v = evaluateStrategyRisk('s1', rules, 1000, v.peak); // never reached 4000: no lock
    expect(v.breach).toBeUndefined();
    v = evaluateStrategyRisk('s1', rules, 4500, v.peak);
    v = evaluateStrategyRisk('s1', rules, 3100, v.peak);
    expect(v.breach).toBeUndefined();
    v = evaluateStrategyRisk('s1', rules, 3000, v.peak);
    expect(v.breach?.rule).toBe('profit-lock');
    expect(v.breach?.summary).toMatch(/gave back ₹1,500 from its best of ₹4,500/);
  });

  it('the daily profit target', () => {
    expect(evaluateStrategyRisk('s1', { dailyTarget: 8000 }, 8000, 7000).breach?.rule).toBe('daily-target');
  });

  it('STRATEGY_RISK is parsed strictly, naming what is wrong', () => {
    expect(parseStrategyRisk('{"s1":{"stop":3000,"lockAfter":4000,"lockGiveBack":1500}}')).toEqual({ s1: { stop: 3000, lockAfter: 4000, lockGiveBack: 1500 } });
    expect(parseStrategyRisk(undefined)).toEqual({});
    expect(() => parseStrategyRisk('{"s1":{"stopp":1}}')).toThrow(/STRATEGY_RISK.s1.stopp is not a rule/);
    expect(() => parseStrategyRisk('{"s1":{"stop":-1}}')).toThrow(/positive number of rupees/);
    expect(() => parseStrategyRisk('{"s1":{"lockAfter":1}}')).toThrow(/needs both/);
    expect(() => parseStrategyRisk('nope')).toThrow(/must be JSON/);
  });
});

describe('a run\'s view of a strategy\'s day, merged into the day as stored when it writes', () => {
  const stop = { rule: 'stop', summary: 'Strategy s1: stopped', at: 5 };
  it('never lowers the peak another run stored meanwhile, and takes a higher one', () => {
    expect(mergeDayState({ day: '2026-12-07', peak: 5000 }, { day: '2026-12-07', peak: 4200 })).toEqual({ day: '2026-12-07', peak: 5000 });
    expect(mergeDayState({ day: '2026-12-07', peak: 4200 }, { day: '2026-12-07', peak: 5000 })).toEqual({ day: '2026-12-07', peak: 5000 });
  });
  it('never lifts a stop another run stored meanwhile, and keeps its own', () => {
    expect(mergeDayState({ day: '2026-12-07', peak: 4000, stopped: stop }, { day: '2026-12-07', peak: 4100 })).toEqual({ day: '2026-12-07', peak: 4100, stopped: stop });
    expect(mergeDayState({ day: '2026-12-07' }, { day: '2026-12-07', stopped: stop })).toEqual({ day: '2026-12-07', stopped: stop });
  });
  it('a state of an earlier day gives way to the newer one, whichever side it is on', () => {
    expect(mergeDayState({ day: '2026-12-04', peak: 9000, stopped: stop }, { day: '2026-12-07', peak: 100 })).toEqual({ day: '2026-12-07', peak: 100 });
    expect(mergeDayState({ day: '2026-12-08', peak: 100 }, { day: '2026-12-07', peak: 9000 })).toEqual({ day: '2026-12-08', peak: 100 });
    expect(mergeDayState(undefined, { day: '2026-12-07', peak: 1 })).toEqual({ day: '2026-12-07', peak: 1 });
  });
});
