import Papa from 'papaparse';
import type { Instrument } from './instrument';

/**
 * Column positions in Fyers' header-less NSE_FO.csv / BSE_FO.csv. The current layout has 21 columns; the two
 * reserved ones added in March 2024 sit after everything we read, so older 19-column rows parse the same way.
 */
const COL = {
  fyToken: 0, description: 1, instrumentType: 2, lotSize: 3, tickSize: 4, session: 6,
  expiry: 8, ticker: 9, underlying: 13, strike: 15, optionType: 16,
} as const;
const MIN_COLUMNS = COL.optionType + 1;

/** Exchange instrument types the bridge can trade or reference: FUTIDX, FUTSTK, OPTIDX, OPTSTK. */
const FUTURE_TYPES = new Set([11, 13]);
const OPTION_TYPES = new Set([14, 15]);

/** Enough examples to diagnose a bad file without flooding a log line with thousands of rows. */
const MAX_PROBLEMS = 20;

export interface ParsedSymbolMaster {
  instruments: Instrument[];
  /** Non-empty data rows seen. */
  rows: number;
  /** Rows not kept: out of scope (equity, currency, commodity) or malformed. */
  skipped: number;
  /** Human-readable reasons for malformed rows (capped; the last line counts the rest). */
  problems: string[];
}

/** A numeric cell; '' and junk become NaN instead of Number('') === 0. */
const num = (cell: string | undefined): number => {
  const s = cell?.trim();
  return s ? Number(s) : Number.NaN;
};

type RowResult = Instrument | 'out-of-scope' | string;

/** Sessions repeat on every row: one shared string per distinct value instead of 100k copies. */
function interner(): (s: string) => string {
  const seen = new Map<string, string>();
  return (s) => {
    const hit = seen.get(s);
    if (hit !== undefined) return hit;
    seen.set(s, s);
    return s;
  };
}

function parseRow(cells: string[], intern: (s: string) => string): RowResult {
  if (cells.length < MIN_COLUMNS) return `has ${cells.length} columns, expected at least ${MIN_COLUMNS}`;
  const instrumentType = num(cells[COL.instrumentType]);
  const isFuture = FUTURE_TYPES.has(instrumentType);
  if (!isFuture && !OPTION_TYPES.has(instrumentType)) return 'out-of-scope';

  const ticker = cells[COL.ticker]!.trim();
  const exchange = ticker.startsWith('NSE:') ? 'NSE' : ticker.startsWith('BSE:') ? 'BSE' : undefined;
  if (!exchange || ticker.length < 6) return `ticker "${ticker}" has no NSE:/BSE: prefix`;
  const underlying = cells[COL.underlying]!.trim().toUpperCase();
  if (!underlying) return `${ticker}: no underlying symbol`;

  const lotSize = num(cells[COL.lotSize]);
  const tickSize = num(cells[COL.tickSize]);
  const expiry = num(cells[COL.expiry]);
  if (!Number.isFinite(lotSize)) return `${ticker}: lot size "${cells[COL.lotSize]}" is not a number`;
  if (!Number.isFinite(tickSize)) return `${ticker}: tick size "${cells[COL.tickSize]}" is not a number`;
  if (!Number.isInteger(expiry) || expiry <= 0) return `${ticker}: expiry "${cells[COL.expiry]}" is not epoch seconds`;

  let optionType: Instrument['optionType'];
  let strike: number;
  if (isFuture) {
    // NSE futures say XX, BSE futures leave the cell empty: the instrument type decides, not this cell.
    optionType = 'XX';
    strike = -1;
  } else {
    const rawType = cells[COL.optionType]!.trim().toUpperCase();
    if (rawType !== 'CE' && rawType !== 'PE') return `${ticker}: option type "${rawType}" is not CE or PE`;
    optionType = rawType;
    strike = num(cells[COL.strike]);
    if (!(Number.isFinite(strike) && strike > 0)) return `${ticker}: strike "${cells[COL.strike]}" is not a positive number`;
  }
  const session = cells[COL.session]!.trim();

  return {
    ticker,
    fyToken: cells[COL.fyToken]!.trim(),
    description: cells[COL.description]!.trim(),
    underlying: intern(underlying),
    exchange,
    instrumentType,
    lotSize,
    tickSize,
    expiry,
    strike,
    optionType,
    ...(session ? { session: intern(session) } : {}),
  };
}

/**
 * Yields each non-blank line's cells. Fyers' masters never quote a cell, so a plain split per line is exact
 * and keeps only one row alive at a time (papaparse's whole-file array of arrays cost ~100 MB on a full
 * master). A file that does contain quotes goes through papaparse, which understands them.
 */
function* rowsOf(text: string): Generator<string[]> {
  if (text.includes('"')) {
    // An explicit delimiter: auto-detection can pick the '|' inside the trading-session column.
    const parsed = Papa.parse<string[]>(text, { header: false, delimiter: ',', skipEmptyLines: true, dynamicTyping: false });
    for (const cells of parsed.data) if (!(cells.length === 1 && !cells[0]!.trim())) yield cells;
    return;
  }
  let start = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (stop > start) {
      const line = text.slice(start, stop);
      if (line.trim()) yield line.split(',');
    }
    start = end + 1;
  }
}

/**
 * Reads a Fyers F&O symbol master and keeps the index/stock futures and options it can fully parse.
 * Never throws on content: a bad row is counted and described, because one broken line in a 100k-row daily
 * download must not cost us the other 99,999. Whether the result is good enough is validateSymbolMaster's call.
 */
export function parseSymbolMaster(csv: string): ParsedSymbolMaster {
  const text = csv.charCodeAt(0) === 0xfeff ? csv.slice(1) : csv;
  const intern = interner();
  const instruments: Instrument[] = [];
  const problems: string[] = [];
  let malformed = 0;
  let skipped = 0;
  let rows = 0;
  for (const cells of rowsOf(text)) {
    rows++;
    const result = parseRow(cells, intern);
    if (typeof result === 'object') {
      instruments.push(result);
      continue;
    }
    skipped++;
    if (result === 'out-of-scope') continue;
    malformed++;
    if (problems.length < MAX_PROBLEMS) problems.push(`row ${rows}: ${result}`);
  }
  if (malformed > MAX_PROBLEMS) problems.push(`…and ${malformed - MAX_PROBLEMS} more malformed rows`);
  return { instruments, rows, skipped, problems };
}
