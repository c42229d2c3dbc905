import { SAMPLE_SPOT } from './sample-spot';
import { istParts } from '../platform/ist';
import { sessionFor, type Exchange } from '../market/market-calendar';
import { calendarDay, dayOf, expiryInstantSec, lastWeekdayOfMonth, upcomingWeekdays } from './expiry-calendar';
import { contractDescription, futureTicker, optionTicker } from './fyers-ticker';

interface SampleUnderlying {
  name: string;
  exchange: 'NSE' | 'BSE';
  /** Expiry weekday: Tuesday on NSE, Thursday on BSE (since September 2025). */
  weekday: number;
  weekly: boolean;
  step: number;
  lot: number;
  /** Exchange scrip code of the index, as in master column 14. */
  scrip: number;
  /** Real masters: BANKNIFTY futures tick 0.2, NIFTY 0.1. */
  futureTick: number;
}

const TUESDAY = 2;
const THURSDAY = 4;
const STRIKES_EACH_SIDE = 40;
const WEEKLIES = 4;

const SAMPLE: readonly SampleUnderlying[] = [
  { name: 'NIFTY', exchange: 'NSE', weekday: TUESDAY, weekly: true, step: 50, lot: 65, scrip: 26000, futureTick: 0.1 },
  { name: 'BANKNIFTY', exchange: 'NSE', weekday: TUESDAY, weekly: false, step: 100, lot: 30, scrip: 26009, futureTick: 0.2 },
  { name: 'FINNIFTY', exchange: 'NSE', weekday: TUESDAY, weekly: false, step: 50, lot: 60, scrip: 26037, futureTick: 0.1 },
  { name: 'MIDCPNIFTY', exchange: 'NSE', weekday: TUESDAY, weekly: false, step: 25, lot: 120, scrip: 26074, futureTick: 0.05 },
  { name: 'SENSEX', exchange: 'BSE', weekday: THURSDAY, weekly: true, step: 100, lot: 20, scrip: 1, futureTick: 0.05 },
];

const EXCHANGE_CODE = { NSE: '10', BSE: '12' } as const;
/** Column 6 the way real masters write it (`0915-1540|1815-1915:`), with the calendar's hours for `date`. */
const sessionCell = (exchange: Exchange, date: string): string => {
  const s = sessionFor(exchange, date);
  return `${s.opens.replace(':', '')}-${s.closes.replace(':', '')}|1815-1915:`;
};
/** NSE futures carry XX in the option-type column; real BSE_FO futures rows leave it empty. */
const FUTURE_TYPE_CELL = { NSE: 'XX', BSE: '' } as const;

interface SampleChain {
  u: SampleUnderlying;
  /** Live expiry days, ascending; the monthlies among them also list a future. */
  expiries: number[];
  monthlies: Set<number>;
}

/** Each underlying's live expiries at `nowMs`, in generation order. */
function sampleChains(nowMs: number): SampleChain[] {
  const now = istParts(nowMs);
  const today = dayOf(now.year, now.month, now.day);
  return SAMPLE.map((u) => {
    const isLive = (day: number) => expiryInstantSec(day, u.exchange) * 1000 >= nowMs;
    const monthlies = [0, 1].map((k) => lastWeekdayOfMonth(now.year, now.month + k, u.weekday)).filter(isLive);
    const weeklies = u.weekly ? upcomingWeekdays(today, u.weekday, WEEKLIES + 1).filter(isLive).slice(0, WEEKLIES) : [];
    return { u, expiries: [...new Set([...weeklies, ...monthlies])].sort((a, b) => a - b), monthlies: new Set(monthlies) };
  });
}

/** Rows a chain generates: both sides of every strike per expiry, and a future per monthly. */
const rowsOf = (c: SampleChain) => c.expiries.length * 2 * (2 * STRIKES_EACH_SIDE + 1) + c.monthlies.size;

/** The underlyings of the sample master, in the order it generates them. */
export const SAMPLE_UNDERLYINGS: readonly string[] = SAMPLE.map((u) => u.name);

/** How many contracts sampleSymbolMaster(nowMs) lists, without generating them. */
export function sampleContractCount(nowMs: number): number {
  return sampleChains(nowMs).reduce((n, c) => n + rowsOf(c), 0);
}

/** Column 6 of every row of an exchange at `nowMs` (the sample's rows of one exchange share it). */
export function sampleSessionCells(nowMs: number): Record<'NSE' | 'BSE', string> {
  const date = istParts(nowMs).date;
  return { NSE: sessionCell('NSE', date), BSE: sessionCell('BSE', date) };
}

/**
 * A small symbol master in the real header-less 21-column layout, with expiries laid out from `nowMs` so it
 * never goes stale: NIFTY and SENSEX weeklies for the next four weeks plus the monthlies of this and next
 * month, the other indices monthly only, and one future per underlying per month. Contracts whose expiry
 * (the exchange's close that day, from the market calendar) is already past at `nowMs` are left out. Exchange holidays are ignored. Used by the paper broker,
 * local runs and tests; never by a live account.
 *
 * `only` generates those underlyings' rows alone, each exactly as the whole master lists it (same
 * tokens), so an index can generate one underlying when it is first asked for.
 */
export function sampleSymbolMaster(nowMs: number, only?: readonly string[]): { nseFo: string; bseFo: string } {
  const now = istParts(nowMs);
  const session = sampleSessionCells(nowMs);
  const lines: Record<'NSE' | 'BSE', string[]> = { NSE: [], BSE: [] };
  let token = 35000;

  for (const chain of sampleChains(nowMs)) {
    const { u, expiries, monthlies } = chain;
    if (only && !only.includes(u.name)) {
      token += rowsOf(chain);
      continue;
    }
    const spot = SAMPLE_SPOT[u.name]!;
    const atm = Math.round(spot / u.step) * u.step;
    const underFyToken = `${EXCHANGE_CODE[u.exchange]}10000000${String(u.scrip).padStart(5, '0')}`;

    for (const day of expiries) {
      const d = calendarDay(day);
      const when = { year: d.year, month: d.month, date: d.date };
      // Per-expiry cells, computed once: this runs for every strike of every expiry.
      const tokenPrefix = `${EXCHANGE_CODE[u.exchange]}11${d.iso.slice(2).replaceAll('-', '')}`;
      const expirySec = expiryInstantSec(day, u.exchange);
      const row = (ticker: string, description: string, type: number, tick: number, strikeCell: string, opt: string) => {
        token++;
        return [
          `${tokenPrefix}${token}`, description, type, u.lot, tick, '', session[u.exchange], now.date, expirySec, ticker,
          EXCHANGE_CODE[u.exchange], 11, token, u.name, u.scrip, strikeCell, opt, underFyToken, 'None', 0, '0.0',
        ].join(',');
      };
      // A month's last expiry is the monthly contract and carries the monthly ticker form, even for NIFTY.
      const monthly = day === lastWeekdayOfMonth(d.year, d.month, u.weekday);
      for (let i = -STRIKES_EACH_SIDE; i <= STRIKES_EACH_SIDE; i++) {
        const strike = atm + i * u.step;
        for (const opt of ['CE', 'PE'] as const) {
          lines[u.exchange].push(row(optionTicker(u.exchange, u.name, when, monthly, strike, opt), contractDescription(u.name, when, strike, opt), 14, 0.05, `${strike}.0`, opt));
        }
      }
      if (monthlies.has(day)) {
        lines[u.exchange].push(row(futureTicker(u.exchange, u.name, when), contractDescription(u.name, when), 11, u.futureTick, '-1.0', FUTURE_TYPE_CELL[u.exchange]));
      }
    }
  }
  return { nseFo: lines.NSE.join('\n') + '\n', bseFo: lines.BSE.join('\n') + '\n' };
}
