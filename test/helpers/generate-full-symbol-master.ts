/**
 * A full-size, deterministic NSE_FO.csv look-alike for benchmarks: index weeklies and monthlies plus a long
 * tail of stock options and futures, in Fyers' header-less 21-column layout, with expiries laid out from
 * `nowMs`. The same (rows, nowMs) always yields the same text.
 *
 * Deliberately free of runtime imports so Node 24 can load it directly (type stripping) from a plain
 * `scripts/*.mjs` benchmark: `await import('../test/helpers/generate-full-symbol-master.ts')`.
 */

const DAY_MS = 86_400_000;
const IST_OFFSET_MS = 330 * 60_000;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKLY_MONTH = '123456789OND';
const TUESDAY = 2;
/** NSE F&O closes at 15:40 since 3 Aug 2026; the real master's column 6 says so. */
const SESSION = '0915-1540|1815-1915:';

/** Real NSE F&O stock names (a subset); the tail beyond them is synthetic. */
const STOCKS = [
  'RELIANCE', 'TCS', 'INFY', 'HDFCBANK', 'ICICIBANK', 'SBIN', 'AXISBANK', 'KOTAKBANK', 'LT', 'ITC', 'HINDUNILVR', 'BHARTIARTL',
  'BAJFINANCE', 'BAJAJFINSV', 'BAJAJ-AUTO', 'M&M', 'MARUTI', 'TATAMOTORS', 'TATASTEEL', 'JSWSTEEL', 'HINDALCO', 'VEDL', 'COALINDIA',
  'ONGC', 'NTPC', 'POWERGRID', 'ADANIENT', 'ADANIPORTS', 'ASIANPAINT', 'TITAN', 'ULTRACEMCO', 'GRASIM', 'NESTLEIND', 'BRITANNIA',
  'SUNPHARMA', 'DRREDDY', 'CIPLA', 'DIVISLAB', 'APOLLOHOSP', 'WIPRO', 'HCLTECH', 'TECHM', 'LTIM', 'PERSISTENT', 'COFORGE', 'MPHASIS',
  'HEROMOTOCO', 'EICHERMOT', 'TVSMOTOR', 'ASHOKLEY', 'BPCL', 'IOC', 'HINDPETRO', 'GAIL', 'TATAPOWER', 'DLF', 'GODREJPROP', 'LODHA',
  'INDUSINDBK', 'BANKBARODA', 'PNB', 'CANBK', 'UNIONBANK', 'FEDERALBNK', 'IDFCFIRSTB', 'AUBANK', 'BANDHANBNK', 'RBLBANK', 'YESBANK',
  'SHRIRAMFIN', 'CHOLAFIN', 'MUTHOOTFIN', 'LICHSGFIN', 'PFC', 'RECLTD', 'IRFC', 'HAL', 'BEL', 'BHEL', 'SIEMENS', 'ABB', 'CUMMINSIND',
  'DABUR', 'MARICO', 'COLPAL', 'GODREJCP', 'TATACONSUM', 'UBL', 'PIDILITIND', 'BERGEPAINT', 'SRF', 'PIIND', 'UPL', 'DEEPAKNTR',
  'AUROPHARMA', 'LUPIN', 'BIOCON', 'ZYDUSLIFE', 'TORNTPHARM', 'ALKEM', 'IDEA', 'INDUSTOWER', 'ZOMATO', 'PAYTM', 'NYKAA', 'POLICYBZR',
];

const INDICES = [
  { name: 'NIFTY', spot: 24500, step: 50, lot: 65, scrip: 26000, weekly: true },
  { name: 'BANKNIFTY', spot: 52000, step: 100, lot: 30, scrip: 26009, weekly: false },
  { name: 'FINNIFTY', spot: 23500, step: 50, lot: 60, scrip: 26037, weekly: false },
  { name: 'MIDCPNIFTY', spot: 12500, step: 25, lot: 120, scrip: 26074, weekly: false },
  { name: 'NIFTYNXT50', spot: 68000, step: 100, lot: 25, scrip: 26013, weekly: false },
];

/** mulberry32: tiny, fast and reproducible; Math.random would make every benchmark run different. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Day { day: number; y: number; m: number; d: number; wd: number }
const cal = (day: number): Day => {
  const t = new Date(day * DAY_MS);
  return { day, y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate(), wd: t.getUTCDay() };
};
const lastTuesday = (y: number, m: number): number => {
  const last = Date.UTC(y, m, 0) / DAY_MS;
  return last - ((cal(last).wd - TUESDAY + 7) % 7);
};
const expirySec = (day: number) => (day * DAY_MS + (15 * 60 + 40) * 60_000 - IST_OFFSET_MS) / 1000;
const p2 = (n: number) => String(n).padStart(2, '0');
const fmtStrike = (s: number) => String(Number(s.toFixed(2)));

export function generateFullSymbolMaster(rows: number, nowMs: number): string {
  const rand = prng(20260721 ^ Math.floor(nowMs / DAY_MS));
  const nowIst = cal(Math.floor((nowMs + IST_OFFSET_MS) / DAY_MS));
  const updated = `${nowIst.y}-${p2(nowIst.m)}-${p2(nowIst.d)}`;
  const live = (day: number) => expirySec(day) * 1000 >= nowMs;
  const monthlies = [0, 1, 2, 3].map((k) => lastTuesday(nowIst.y, nowIst.m + k)).filter(live).slice(0, 3);
  const firstTuesday = nowIst.day + ((TUESDAY - nowIst.wd + 7) % 7);
  const weeklies = Array.from({ length: 9 }, (_, i) => firstTuesday + 7 * i).filter(live).slice(0, 8);

  const out: string[] = [];
  let token = 30000;
  const emit = (u: string, scrip: number, day: number, type: number, lot: number, tick: number, strike: number, opt: string) => {
    const c = cal(day);
    const yy = p2(c.y % 100);
    const monthly = day === lastTuesday(c.y, c.m);
    const when = monthly ? `${yy}${MONTHS[c.m - 1]}` : `${yy}${WEEKLY_MONTH[c.m - 1]}${p2(c.d)}`;
    const ticker = opt === 'XX' ? `NSE:${u}${yy}${MONTHS[c.m - 1]}FUT` : `NSE:${u}${when}${fmtStrike(strike)}${opt}`;
    const mon = MONTHS[c.m - 1]!;
    const desc = `${u} ${p2(c.d)} ${mon[0]}${mon.slice(1).toLowerCase()} ${yy} ${opt === 'XX' ? 'FUT' : `${fmtStrike(strike)} ${opt}`}`;
    token++;
    out.push([
      `1011${yy}${p2(c.m)}${p2(c.d)}${token}`, desc, type, lot, tick, '', SESSION, updated, expirySec(day), ticker,
      10, 11, token, u, scrip, opt === 'XX' ? '-1.0' : Number.isInteger(strike) ? `${strike}.0` : String(strike), opt, `10100000${String(scrip).padStart(7, '0')}`, 'None', 0, '0.0',
    ].join(','));
  };
  const chain = (u: string, scrip: number, days: number[], optType: number, futType: number, lot: number, spot: number, step: number, each: number) => {
    const atm = Math.round(spot / step) * step;
    for (const day of days) {
      for (let i = -each; i <= each; i++) {
        const strike = atm + i * step;
        if (strike <= 0) continue;
        emit(u, scrip, day, optType, lot, 0.05, strike, 'CE');
        emit(u, scrip, day, optType, lot, 0.05, strike, 'PE');
      }
      if (monthlies.includes(day)) emit(u, scrip, day, futType, lot, u === 'BANKNIFTY' ? 0.2 : 0.1, -1, 'XX');
    }
  };

  for (const ix of INDICES) {
    const days = ix.weekly ? [...new Set([...weeklies, ...monthlies])].sort((a, b) => a - b) : monthlies;
    chain(ix.name, ix.scrip, days, 14, 11, ix.lot, ix.spot, ix.step, 100);
  }
  for (let n = 0; out.length < rows; n++) {
    const name = n < STOCKS.length ? STOCKS[n]! : `STOCK${String(n).padStart(4, '0')}`;
    const price = 50 + Math.floor(rand() * 5000);
    const step = price < 100 ? 2.5 : price < 500 ? 5 : price < 2000 ? 20 : 50;
    const lot = Math.max(1, Math.round(600_000 / price / 25) * 25);
    chain(name, 1000 + n, monthlies, 15, 13, lot, price, step, 40);
  }
  return out.slice(0, rows).join('\n') + '\n';
}
