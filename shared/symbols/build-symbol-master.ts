import type { Instrument } from './instrument';
import { scanFreezeQuantities, withScannedFreeze } from './scan-freeze-quantities';
import { parseSymbolMaster } from './parse-symbol-master';
import { screenImplausibleRows, validateSymbolMaster } from './validate-symbol-master';

export interface MasterSources {
  /** Fyers' CSV masters (NSE_FO.csv, BSE_FO.csv): the contracts. */
  csvUrls: string[];
  /** Fyers' JSON masters: the freeze quantities (`qtyFreeze`), matched to the CSV's tickers. */
  jsonUrls: string[];
  download: (url: string) => Promise<string>;
}

export interface MasterExpectations {
  underlyings: string[];
  minInstruments: number;
  nowMs: number;
  /** Instruments in the index in use, if any: a much smaller new file is treated as partial. */
  previousCount?: number;
  minShareOfPrevious: number;
}

export type BuiltMaster =
  | { ok: true; instruments: Instrument[]; warnings: string[]; withFreezeQty: number }
  | { ok: false; status: 502 | 422; problems: string[] };

const fileName = (url: string) => {
  try {
    return new URL(url).pathname.split('/').pop() || url;
  } catch {
    return url;
  }
};

/** The JSON master names the same contracts; fewer matches than this share means it is not the same data. */
const MIN_JSON_MATCH_SHARE = 0.5;

/**
 * Downloads, parses, screens and validates the configured masters into one list of contracts. The CSVs are
 * required; the JSON masters only add freeze quantities, so a JSON that fails or does not match is a warning
 * (the dated table and FREEZE_QTY_OVERRIDES then apply) and never costs the day its fresh contracts.
 * Used by the refresh job and by an instance that starts with nothing published.
 */
export async function buildSymbolMaster(src: MasterSources, expect: MasterExpectations): Promise<BuiltMaster> {
  const problems: string[] = [];
  const warnings: string[] = [];
  let instruments: Instrument[] = [];
  const [csvs, jsons] = await Promise.all([
    Promise.allSettled(src.csvUrls.map((u) => src.download(u))),
    Promise.allSettled(src.jsonUrls.map((u) => src.download(u))),
  ]);
  csvs.forEach((t, i) => {
    const name = fileName(src.csvUrls[i]!);
    if (t.status === 'rejected') return void problems.push(`${name}: download failed`);
    const parsed = parseSymbolMaster(t.value);
    if (parsed.instruments.length === 0) problems.push(`${name}: no usable rows (${parsed.rows} rows read)`);
    for (const inst of parsed.instruments) instruments.push(inst);
  });
  if (problems.length) return { ok: false, status: 502, problems };

  const screened = screenImplausibleRows(instruments);
  warnings.push(...screened.dropped);
  problems.push(...validateSymbolMaster(instruments, expect));
  instruments = screened.kept;
  if (expect.previousCount && instruments.length < expect.previousCount * expect.minShareOfPrevious) {
    problems.push(`only ${instruments.length} instruments against ${expect.previousCount} in the current index; looks partial`);
  }
  if (problems.length) return { ok: false, status: 422, problems };

  // The JSON masters are read for their freeze quantities alone, by a scanner that keeps ticker and qtyFreeze.
  const freeze = new Map<string, string>();
  for (const [i, t] of jsons.entries()) {
    const name = fileName(src.jsonUrls[i]!);
    if (t.status === 'rejected') {
      warnings.push(`${name}: download failed; freeze quantities fall back to the table`);
      continue;
    }
    const scan = await scanFreezeQuantities(t.value);
    if (scan.problem || scan.entries === 0) {
      warnings.push(`${name}: ${scan.problem ?? 'no usable entries'}; freeze quantities fall back to the table`);
      continue;
    }
    for (const [ticker, q] of scan.freeze) freeze.set(ticker, q);
  }
  let withFreezeQty = 0;
  if (freeze.size) {
    const merged = withScannedFreeze(instruments, freeze);
    if (merged.implausible.length) warnings.push(`JSON master: ${merged.implausible.length} implausible qtyFreeze value(s) ignored, e.g. ${merged.implausible[0]}`);
    if (merged.named < Math.min(freeze.size, instruments.length) * MIN_JSON_MATCH_SHARE) {
      warnings.push(`the JSON master names only ${merged.named} of the CSV's ${instruments.length} contracts; its freeze quantities are not used`);
    } else {
      instruments = merged.instruments;
      withFreezeQty = merged.matched;
    }
  }
  return { ok: true, instruments, warnings, withFreezeQty };
}

/** Fyers publishes `NSE_FO_sym_master.json` beside `NSE_FO.csv`: the default JSON URL for each CSV URL. */
export const jsonUrlFor = (csvUrl: string): string | undefined =>
  /\.csv(\?.*)?$/i.test(csvUrl) ? csvUrl.replace(/\.csv(\?.*)?$/i, '_sym_master.json$1') : undefined;
