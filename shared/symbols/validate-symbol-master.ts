import type { Instrument } from './instrument';

export interface SymbolMasterExpectations {
  /** Underlyings alerts may name; each must have at least one option expiry still to come. */
  underlyings: string[];
  /** Fewer rows than this means a truncated or partial download. */
  minInstruments: number;
  nowMs: number;
}

/** No exchange lot is anywhere near this; a bigger number means a shifted or corrupted column. */
const MAX_SANE_LOT = 100_000;
/** More implausible rows than this share means a shifted column or a broken file, not a few odd contracts. */
const MAX_IMPLAUSIBLE_SHARE = 0.01;
const EXAMPLES = 3;

function describe(what: string, bad: readonly Instrument[], show: (i: Instrument) => string): string {
  const examples = bad.slice(0, EXAMPLES).map((i) => `${i.ticker} (${show(i)})`).join(', ');
  return `${bad.length} instrument(s) ${what}, e.g. ${examples}`;
}

const badLot = (i: Instrument) => !(Number.isInteger(i.lotSize) && i.lotSize > 0 && i.lotSize <= MAX_SANE_LOT);
const badTick = (i: Instrument) => !(Number.isFinite(i.tickSize) && i.tickSize > 0);

export interface Screened {
  kept: Instrument[];
  /** What was left out, in plain words (for the refresh reply and the operator). */
  dropped: string[];
  /** Set when so many rows are implausible that the file itself is suspect: the refresh must refuse it. */
  problem?: string;
}

/**
 * Judges lot and tick sizes per row: a single stock with a lot above 100,000 used to make every refresh
 * refuse the whole file. Such rows are left out (nobody can trade them correctly) and named; only when they
 * are more than 1% of the file is the file itself called broken.
 */
export function screenImplausibleRows(instruments: readonly Instrument[]): Screened {
  const lots = instruments.filter(badLot);
  const ticks = instruments.filter((i) => !badLot(i) && badTick(i));
  const dropped: string[] = [];
  if (lots.length) dropped.push(describe(`left out: lot size not a whole number between 1 and ${MAX_SANE_LOT}`, lots, (i) => `lot ${i.lotSize}`));
  if (ticks.length) dropped.push(describe('left out: tick size not positive', ticks, (i) => `tick ${i.tickSize}`));
  const n = lots.length + ticks.length;
  if (!n) return { kept: [...instruments], dropped };
  const kept = instruments.filter((i) => !badLot(i) && !badTick(i));
  const problem = n > instruments.length * MAX_IMPLAUSIBLE_SHARE
    ? `${n} of ${instruments.length} instruments have an implausible lot or tick size (more than ${MAX_IMPLAUSIBLE_SHARE * 100}%): a shifted column or a broken file; ${dropped.join('; ')}`
    : undefined;
  return { kept, dropped, ...(problem ? { problem } : {}) };
}

/**
 * Decides whether a freshly parsed master is fit to replace the one in use. Returns problems in plain words;
 * an empty array means good. A refresh that publishes a partial file would make every alert fail, so the
 * refresh job keeps the previous index whenever this returns anything. Implausible rows are judged by
 * screenImplausibleRows; here they only count when they are a sign the whole file is bad.
 */
export function validateSymbolMaster(instruments: readonly Instrument[], expect: SymbolMasterExpectations): string[] {
  const problems: string[] = [];
  if (instruments.length < expect.minInstruments) {
    problems.push(`only ${instruments.length} instruments, expected at least ${expect.minInstruments} (partial download?)`);
  }
  const screened = screenImplausibleRows(instruments);
  if (screened.problem) problems.push(screened.problem);

  const nowSec = expect.nowMs / 1000;
  const live = new Set<string>();
  for (const i of screened.kept) if (i.optionType !== 'XX' && i.expiry >= nowSec) live.add(i.underlying);
  for (const u of expect.underlyings) {
    if (!live.has(u)) problems.push(`${u} has no option expiry still to come`);
  }
  return problems;
}
