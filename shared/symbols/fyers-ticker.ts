/**
 * Fyers' F&O ticker spelling. The contract on a month's last expiry uses the monthly form
 * (`NSE:NIFTY26JUL24400CE`); every other one the weekly form (`NSE:NIFTY2672124400CE`) whose month is one
 * character: 1-9 for January to September, then O, N, D. Only generators need this; resolution reads
 * tickers from the master instead of building them.
 */
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
const WEEKLY_MONTH = '123456789OND';

export interface ContractDate { year: number; month: number; date: number }

const yy = (d: ContractDate) => String(d.year % 100).padStart(2, '0');
const fmtStrike = (strike: number) => String(strike);

export function optionTicker(exchange: 'NSE' | 'BSE', underlying: string, d: ContractDate, monthly: boolean, strike: number, type: 'CE' | 'PE'): string {
  const when = monthly ? `${yy(d)}${MONTHS[d.month - 1]}` : `${yy(d)}${WEEKLY_MONTH[d.month - 1]}${String(d.date).padStart(2, '0')}`;
  return `${exchange}:${underlying}${when}${fmtStrike(strike)}${type}`;
}

export const futureTicker = (exchange: 'NSE' | 'BSE', underlying: string, d: ContractDate): string =>
  `${exchange}:${underlying}${yy(d)}${MONTHS[d.month - 1]}FUT`;

/** The master's human name, e.g. `NIFTY 21 Jul 26 24400 CE` or `NIFTY 28 Jul 26 FUT`. */
export function contractDescription(underlying: string, d: ContractDate, strike?: number, type?: 'CE' | 'PE'): string {
  const mon = MONTHS[d.month - 1]!;
  const when = `${String(d.date).padStart(2, '0')} ${mon[0]}${mon.slice(1).toLowerCase()} ${yy(d)}`;
  return strike === undefined ? `${underlying} ${when} FUT` : `${underlying} ${when} ${fmtStrike(strike)} ${type}`;
}
