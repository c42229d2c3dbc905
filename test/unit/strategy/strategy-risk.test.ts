import type { Position } from '../../../shared/broker/broker.port';
import type { Holding } from '../../../shared/store/holdings.port';
import { parseStrategyRisk } from '../../../shared/config/strategy-risk-config';
import { evaluateStrategyRisk, strategyMtm } from '../../../shared/strategy/strategy-risk';

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
