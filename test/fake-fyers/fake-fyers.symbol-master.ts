import { json, type Reply } from './http-io';
import type { FakeInstrument } from './fake-fyers.state';

/** Where Fyers publishes the JSON masters (public, no login), by file name. */
export const SYMBOL_MASTER_PATH = '/sym_details/';

/** Fyers' cells are sometimes quoted numbers and "" where there is no value. */
const numberOf = (v: unknown): number | undefined => {
  const n = typeof v === 'string' ? (v.trim() === '' ? Number.NaN : Number(v)) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

/**
 * The contracts of a JSON master (`NSE_FO_sym_master.json`: an object keyed by ticker) as the fake trades
 * them: lot and tick from the entry, and the exchange freeze from `qtyFreeze`, the one place Fyers
 * publishes it. The fake then refuses what the exchange would refuse for the very master the bridge reads.
 * Entries without a usable lot or tick are skipped; an empty qtyFreeze means no freeze.
 */
export function instrumentsFromJsonMaster(text: string): FakeInstrument[] {
  const parsed: unknown = JSON.parse(text);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('a JSON master is an object keyed by ticker');
  const out: FakeInstrument[] = [];
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!value || typeof value !== 'object') continue;
    const e = value as Record<string, unknown>;
    const ticker = typeof e.symTicker === 'string' && e.symTicker ? e.symTicker : key;
    const lotSize = numberOf(e.minLotSize);
    const tickSize = numberOf(e.tickSize);
    if (!lotSize || !tickSize) continue;
    const freezeQty = numberOf(e.qtyFreeze);
    out.push({ ticker, lotSize, tickSize, ...(freezeQty && freezeQty > 0 ? { freezeQty } : {}) });
  }
  return out;
}

/** GET /sym_details/<file>: the master text as given, or 404 for a file the fake does not publish. */
export function symbolMaster(files: ReadonlyMap<string, string>, pathname: string): Reply {
  const text = files.get(pathname.slice(SYMBOL_MASTER_PATH.length));
  if (text === undefined) return json(404, { s: 'error', code: 404, message: 'Not found' });
  return { status: 200, headers: { 'content-type': 'application/json' }, body: text };
}
