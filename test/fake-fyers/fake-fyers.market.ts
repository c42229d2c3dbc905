import { fyersError, json, type Reply } from './http-io';
import type { FakeState } from './fake-fyers.state';

const MAX_QUOTE_SYMBOLS = 50;

/** GET /data/quotes?symbols=a,b: one `d[]` entry per symbol; unknown symbols get a per-symbol error entry. */
export function quotes(state: FakeState, query: URLSearchParams): Reply {
  const symbols = (query.get('symbols') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (symbols.length === 0) return fyersError(400, -50, 'Please provide symbols');
  if (symbols.length > MAX_QUOTE_SYMBOLS) return fyersError(400, -50, `Maximum ${MAX_QUOTE_SYMBOLS} symbols are allowed`);
  const d = symbols.map((n) => {
    const lp = state.ltp.get(n) ?? (state.instruments.has(n) ? 100 : undefined);
    // Shape of the per-symbol error entry is UNCONFIRMED (third-party fixture); kept as seen there.
    if (lp === undefined) return { n, s: 'error', v: { code: -300, errmsg: 'Invalid symbol' } };
    const [exchange, short] = n.split(':');
    return {
      n, s: 'ok',
      v: {
        ch: 0, chp: 0, lp, spread: 0.05, ask: lp, bid: lp, open_price: lp, high_price: lp, low_price: lp,
        prev_close_price: lp, atp: lp, volume: 1000, short_name: short, exchange, description: n,
        original_name: n, symbol: n, fyToken: '101000000000000', tt: String(Math.floor(Date.now() / 1000)),
      },
    };
  });
  return json(200, { s: 'ok', code: 200, d });
}

/** GET /api/v3/positions in Fyers' shape: signed netQty, qty = |netQty|, side 1/-1/0, id `<symbol>-<productType>`. */
export function positions(state: FakeState): Reply {
  const netPositions = [...state.positions.values()].map((p) => {
    // The same default price quotes and fills use for a contract without one.
    const ltp = state.ltp.get(p.symbol) ?? 100;
    const buyAvg = p.buyQty ? p.buyVal / p.buyQty : 0;
    const sellAvg = p.sellQty ? p.sellVal / p.sellQty : 0;
    // Mark to market: what was received minus what was paid, plus what is held at today's price.
    const pl = round2(p.sellVal - p.buyVal + p.netQty * ltp);
    const unrealized = round2(p.netQty > 0 ? p.netQty * (ltp - buyAvg) : p.netQty < 0 ? p.netQty * (ltp - sellAvg) : 0);
    return {
      netQty: p.netQty, qty: Math.abs(p.netQty), avgPrice: p.netQty >= 0 ? buyAvg : sellAvg, netAvg: p.netQty >= 0 ? buyAvg : sellAvg,
      side: Math.sign(p.netQty), productType: p.productType, realized_profit: round2(pl - unrealized), unrealized_profit: unrealized, pl, ltp,
      buyQty: p.buyQty, buyAvg, buyVal: p.buyVal, sellQty: p.sellQty, sellAvg, sellVal: p.sellVal, slNo: 0,
      fyToken: '', crossCurrency: 'N', rbiRefRate: 1, qtyMulti_com: 1, segment: 11, symbol: p.symbol,
      id: `${p.symbol}-${p.productType}`, cfBuyQty: 0, cfSellQty: 0, dayBuyQty: p.buyQty, daySellQty: p.sellQty, exchange: 10,
    };
  });
  const open = netPositions.filter((p) => p.netQty !== 0).length;
  const sum = (f: (p: (typeof netPositions)[number]) => number) => round2(netPositions.reduce((s, p) => s + f(p), 0));
  return json(200, {
    s: 'ok', code: 200, message: '', netPositions,
    overall: { count_total: netPositions.length, count_open: open, pl_total: sum((p) => p.pl), pl_realized: sum((p) => p.realized_profit), pl_unrealized: sum((p) => p.unrealized_profit) },
  });
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** GET /api/v3/funds: the documented fund_limit rows; id 10 is the available balance. */
export function funds(state: FakeState): Reply {
  const row = (id: number, title: string, equityAmount: number) => ({ id, title, equityAmount, commodityAmount: 0 });
  return json(200, {
    code: 200, message: '', s: 'ok',
    fund_limit: [row(1, 'Total Balance', state.funds), row(2, 'Utilized Amount', 0), row(3, 'Clear Balance', state.funds), row(10, 'Available Balance', state.funds)],
  });
}

/** GET /api/v3/profile, PII masked as Fyers does since Sep 2025. */
export function profile(): Reply {
  return json(200, {
    s: 'ok', code: 200, message: '',
    data: {
      name: 'T****R', display_name: 'TESTER', fy_id: 'FX0011', image: null, email_id: 't****@example.com', PAN: 'XXXXX1234X',
      pin_change_date: '19-08-2020 14:58:41', pwd_change_date: '01-01-2026 10:00:00', mobile_number: '******1234',
      totp: true, pwd_to_expire: 42, ddpi_enabled: false, mtf_enabled: false,
    },
  });
}
