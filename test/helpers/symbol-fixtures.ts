import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Instrument, SymbolIndex } from '../../shared/symbols/instrument';
import { istInstant } from '../../shared/platform/ist';
import { parseSymbolMaster } from '../../shared/symbols/parse-symbol-master';
import { sampleSymbolMaster } from '../../shared/symbols/sample-symbol-master';
import { buildSymbolIndex } from '../../shared/symbols/symbol-index';

/** Epoch seconds of 15:40 IST on an IST date: when NSE and BSE options expire from 3 Aug 2026 (before it: pass 15, 30). */
export const expiryOn = (date: string, hh = 15, mm = 40): number => istInstant(date, hh, mm) / 1000;

/** One option contract with plausible defaults; override what the test is about. */
export function option(underlying: string, date: string, strike: number, optionType: 'CE' | 'PE', over: Partial<Instrument> = {}): Instrument {
  return {
    ticker: `NSE:${underlying}${date.replaceAll('-', '')}${strike}${optionType}`,
    fyToken: `1011${date.slice(2).replaceAll('-', '')}${Math.round(strike)}`,
    description: `${underlying} ${date} ${strike} ${optionType}`,
    underlying,
    exchange: 'NSE',
    instrumentType: 14,
    lotSize: 65,
    tickSize: 0.05,
    expiry: expiryOn(date),
    strike,
    optionType,
    session: '0915-1540|1815-1915:',
    ...over,
  };
}

/** CE and PE for every strike on every date. */
export function chain(underlying: string, dates: string[], strikes: number[], over: Partial<Instrument> = {}): Instrument[] {
  return dates.flatMap((d) => strikes.flatMap((s) => [option(underlying, d, s, 'CE', over), option(underlying, d, s, 'PE', over)]));
}

/** The generated sample master as the webhook would see it at `nowMs`. */
export function sampleIndex(nowMs: number): SymbolIndex {
  const { nseFo, bseFo } = sampleSymbolMaster(nowMs);
  return buildSymbolIndex([...parseSymbolMaster(nseFo).instruments, ...parseSymbolMaster(bseFo).instruments], 'test');
}

/**
 * The sample master written as NSE_FO.csv and BSE_FO.csv into `dir`, for a SYMBOL_MASTER_FILE value:
 * BROKER=fyers refuses the bundled sample, so tests against the fake Fyers name their master explicitly.
 */
export function writeSampleMasterFiles(dir: string, nowMs: number): string {
  const { nseFo, bseFo } = sampleSymbolMaster(nowMs);
  const nse = join(dir, 'NSE_FO.csv');
  const bse = join(dir, 'BSE_FO.csv');
  writeFileSync(nse, nseFo);
  writeFileSync(bse, bseFo);
  return `${nse},${bse}`;
}
