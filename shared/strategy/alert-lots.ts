import { RiskRefusedError } from '../errors';

/**
 * MAX_LOTS (or the runtime maxLots) bounds what one alert opens, however it is split: per contract
 * (ten identical legs are one contract) and in all (three legs of 2 lots are 6 lots). The refusal
 * names both numbers, so the trader sees which bound the alert broke.
 * @throws RiskRefusedError (422, field `qty`).
 */
export function assertAlertLots(legs: Array<{ ticker: string; lots: number }>, maxLots: number): void {
  const perContract = new Map<string, number>();
  for (const l of legs) perContract.set(l.ticker, (perContract.get(l.ticker) ?? 0) + l.lots);
  for (const [ticker, lots] of perContract) {
    if (lots > maxLots) throw new RiskRefusedError(`the alert opens ${lots} lots of ${ticker}, above the limit of ${maxLots} lots per alert`, { field: 'qty', lots, maxLots, ticker });
  }
  const total = legs.reduce((s, l) => s + l.lots, 0);
  if (total > maxLots) throw new RiskRefusedError(`the alert opens ${total} lots in all, above the limit of ${maxLots} lots per alert`, { field: 'qty', lots: total, maxLots });
}
