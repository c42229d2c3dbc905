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
const EXAMPLES = 3;

function describe(what: string, bad: readonly Instrument[], show: (i: Instrument) => string): string {
  const examples = bad.slice(0, EXAMPLES).map((i) => `${i.ticker} (${show(i)})`).join(', ');
  return `${bad.length} instrument(s) ${what}, e.g. ${examples}`;
}

/**
 * Decides whether a freshly parsed master is fit to replace the one in use. Returns problems in plain words;
 * an empty array means good. A refresh that publishes a partial file would make every alert fail, so the
 * refresh job keeps the previous index whenever this returns anything.
 */
export function validateSymbolMaster(instruments: readonly Instrument[], expect: SymbolMasterExpectations): string[] {
  const problems: string[] = [];
  if (instruments.length < expect.minInstruments) {
    problems.push(`only ${instruments.length} instruments, expected at least ${expect.minInstruments} (partial download?)`);
  }

  const badLots = instruments.filter((i) => !(Number.isInteger(i.lotSize) && i.lotSize > 0 && i.lotSize <= MAX_SANE_LOT));
  if (badLots.length) problems.push(describe(`have a lot size that is not a whole number between 1 and ${MAX_SANE_LOT}`, badLots, (i) => `lot ${i.lotSize}`));

  const badTicks = instruments.filter((i) => !(Number.isFinite(i.tickSize) && i.tickSize > 0));
  if (badTicks.length) problems.push(describe('have a tick size that is not positive', badTicks, (i) => `tick ${i.tickSize}`));

  const nowSec = expect.nowMs / 1000;
  const live = new Set<string>();
  for (const i of instruments) if (i.optionType !== 'XX' && i.expiry >= nowSec) live.add(i.underlying);
  for (const u of expect.underlyings) {
    if (!live.has(u)) problems.push(`${u} has no option expiry still to come`);
  }
  return problems;
}
