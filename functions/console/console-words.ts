import { istParts } from '../../shared/platform/ist';
import type { AuditEntry } from '../../shared/store/audit.port';
import type { Instrument } from '../../shared/symbols/instrument';

/**
 * The console speaks as a trader does: contracts by underlying, strike and expiry, outcomes in
 * words. No internal code (`alert_invalid`, `risk_refused`, an HTTP status) reaches the page.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "expires today", "expires tomorrow", "expires Thu 15 Jan". */
export function expiryWords(expiryMs: number, nowMs: number): string {
  const e = istParts(expiryMs).date;
  const today = istParts(nowMs).date;
  const tomorrow = istParts(nowMs + 86_400_000).date;
  if (e === today) return 'expires today';
  if (e === tomorrow) return 'expires tomorrow';
  const [, m, d] = e.split('-').map(Number) as [number, number, number];
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][new Date(`${e}T12:00:00Z`).getUTCDay()];
  return `expires ${weekday} ${d} ${MONTHS[m - 1]}`;
}

/** "NIFTY 24500 CE, expires today"; the raw ticker when the master does not know it. */
export function contractName(ticker: string, lookup: (ticker: string) => Instrument | undefined, nowMs: number): string {
  const i = lookup(ticker);
  if (!i) return ticker.replace(/^[A-Z]+:/, '');
  const strike = i.strike >= 0 ? ` ${i.strike.toLocaleString('en-IN', { useGrouping: false })}` : '';
  const kind = i.optionType === 'XX' ? ' FUT' : ` ${i.optionType}`;
  return `${i.underlying}${strike}${kind}, ${expiryWords(i.expiry * 1000, nowMs)}`;
}

/** A refusal's kind, by the audit status and HTTP status, in words. */
const REFUSAL: Array<[(e: AuditEntry) => boolean, string]> = [
  [(e) => e.httpStatus === 400, 'invalid alert'],
  [(e) => e.httpStatus === 401, 'wrong token'],
  [(e) => e.httpStatus === 403, 'trading not allowed now'],
  [(e) => e.httpStatus === 409, 'the same alert was still being handled'],
  [(e) => e.httpStatus === 413 || e.httpStatus === 415, 'alert body not accepted'],
  [(e) => e.httpStatus === 422 && e.status === 'rejected', 'the broker rejected the order'],
  [(e) => e.httpStatus === 422, 'refused by a risk rule'],
  [(e) => e.httpStatus === 429, 'too many bad tokens from this source'],
  [(e) => e.httpStatus === 503, 'not sent, safe to resend'],
];

export type AlertTone = 'ok' | 'warn' | 'bad';

export interface AlertWords {
  tone: AlertTone;
  /** One line: "Placed", "Refused: invalid alert — optionType must be CE or PE". */
  headline: string;
  refused: boolean;
}

/** What happened to one alert, in a sentence the trader reads without a glossary. */
export function alertWords(e: AuditEntry): AlertWords {
  if (e.status === 'duplicate') return { tone: 'ok', headline: 'Repeat of an earlier alert: nothing new sent', refused: false };
  if (e.status === 'unknown') return { tone: 'warn', headline: 'Sent, but the broker has not confirmed it: check before resending', refused: false };
  if (e.status === 'placed') return { tone: 'ok', headline: placedWords(e), refused: false };
  const kind = REFUSAL.find(([test]) => test(e))?.[1] ?? 'not placed';
  const fields = e.fields ? Object.entries(e.fields).map(([f, why]) => `${f} ${why}`) : [];
  const reason = fields.length ? fields.join('; ') : e.message ?? '';
  const verb = e.status === 'rejected' ? 'Rejected' : 'Refused';
  return { tone: 'bad', headline: `${verb}: ${kind}${reason ? ` — ${reason}` : ''}`, refused: true };
}

/** A placed alert: what the strategy moved to, or that nothing needed doing. */
function placedWords(e: AuditEntry): string {
  const r = e.brokerResponse ?? {};
  const legs = Array.isArray(r.legs) ? (r.legs as unknown[]) : undefined;
  const position = typeof r.position === 'string' ? r.position : typeof e.alert?.position === 'string' ? e.alert.position : undefined;
  if (legs && legs.length === 0) return position ? `Already ${position}: nothing to do` : 'Nothing to do';
  if (position) return `Now ${position}`;
  return r.status === 'filled' ? 'Placed and filled' : 'Placed';
}

export interface LegLine {
  text: string;
  tone: AlertTone;
}

/** A strategy alert's legs as sentences: "Closed: sold 65 NIFTY 24500 CE (filled)". */
export function legLines(e: AuditEntry, name: (ticker: string) => string): LegLine[] {
  const legs = e.brokerResponse?.legs;
  if (!Array.isArray(legs)) return [];
  return legs.map((raw) => {
    const l = raw as Record<string, unknown>;
    const side = l.side === 'SELL' ? 'sold' : 'bought';
    const role = l.role === 'close' ? 'Closed' : l.role === 'exit' ? 'Exit' : 'Opened';
    const status = String(l.status ?? '');
    const tone: AlertTone = status === 'filled' ? 'ok' : status === 'rejected' || status === 'failed' ? 'bad' : 'warn';
    const why = typeof l.reason === 'string' ? ` — ${l.reason}` : '';
    return { text: `${role}: ${side} ${String(l.qty ?? '')} ${name(String(l.symbol ?? ''))} (${status.replaceAll('_', ' ')})${why}`, tone };
  });
}

/** A strike as the trader wrote it: 24500, ATM, ATM+2. */
export function strikeText(raw: unknown): string {
  if (raw && typeof raw === 'object' && 'atmOffset' in raw) {
    const n = Number((raw as { atmOffset: unknown }).atmOffset);
    return n === 0 ? 'ATM' : `ATM${n > 0 ? '+' : ''}${n}`;
  }
  return String(raw ?? '');
}

/** A single order's alert: "Buy 1 lot NIFTY 24500 CE" from what the alert asked and the contract it got. */
export function singleOrderWords(e: AuditEntry, name: (ticker: string) => string): string | undefined {
  const a = e.alert ?? {};
  if (typeof a.action !== 'string') return undefined;
  const lots = typeof a.qty === 'number' || typeof a.qty === 'string' ? `${String(a.qty)} lot${String(a.qty) === '1' ? '' : 's'}` : '';
  const contract = e.instrument ? name(e.instrument.ticker) : `${String(a.symbol ?? '')} ${strikeText(a.strikeprice)} ${String(a.optionType ?? '')}`.trim();
  return `${a.action.toUpperCase() === 'SELL' ? 'Sell' : 'Buy'} ${lots} ${contract}`.replace(/\s+/g, ' ');
}
