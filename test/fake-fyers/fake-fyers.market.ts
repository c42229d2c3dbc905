import { fyersError, json, type Reply } from './http-io';
import type { FakePosition, FakeState } from './fake-fyers.state';

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

/** The day's P&L as Fyers splits it: cash moved so far, plus the open quantity marked at the LTP. */
function profitOf(p: FakePosition, ltp: number) {
  const round = (x: number) => Math.round(x * 100) / 100;
  const pl = round(p.sellVal - p.buyVal + p.netQty * ltp);
  const closedQty = Math.min(p.buyQty, p.sellQty);
  const realized = closedQty ? round(closedQty * (p.sellVal / p.sellQty - p.buyVal / p.buyQty)) : 0;
  return { realized_profit: realized, unrealized_profit: round(pl - realized), pl };
}

/** GET /api/v3/positions in Fyers' shape: signed netQty, qty = |netQty|, side 1/-1/0, id `<symbol>-<productType>`. */
export function positions(state: FakeState): Reply {
  const netPositions = [...state.positions.values()].map((p) => {
    const ltp = state.ltp.get(p.symbol) ?? 0;
    const buyAvg = p.buyQty ? p.buyVal / p.buyQty : 0;
    const sellAvg = p.sellQty ? p.sellVal / p.sellQty : 0;
    return {
      netQty: p.netQty, qty: Math.abs(p.netQty), avgPrice: p.netQty >= 0 ? buyAvg : sellAvg, netAvg: p.netQty >= 0 ? buyAvg : sellAvg,
      side: Math.sign(p.netQty), productType: p.productType, ...profitOf(p, ltp), ltp,
      buyQty: p.buyQty, buyAvg, buyVal: p.buyVal, sellQty: p.sellQty, sellAvg, sellVal: p.sellVal, slNo: 0,
      fyToken: '', crossCurrency: 'N', rbiRefRate: 1, qtyMulti_com: 1, segment: 11, symbol: p.symbol,
      id: `${p.symbol}-${p.productType}`, cfBuyQty: 0, cfSellQty: 0, dayBuyQty: p.buyQty, daySellQty: p.sellQty, exchange: 10,
    };
  });
  const open = netPositions.filter((p) => p.netQty !== 0).length;
  return json(200, {
    s: 'ok', code: 200, message: '', netPositions,
    overall: { count_total: netPositions.length, count_open: open, pl_total: 0, pl_realized: 0, pl_unrealized: 0 },
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
