import { fyersError, json, type Reply } from './http-io';
import type { FakeOrder, FakeState } from './fake-fyers.state';

const PRODUCT_TYPES = ['CNC', 'INTRADAY', 'MARGIN', 'CO', 'BO', 'MTF'];
const TAG = /^[A-Za-z0-9]{1,30}$/;

const isMultiple = (value: number, step: number) => Math.abs(value / step - Math.round(value / step)) < 1e-6;
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const invalid = (message: string) => fyersError(400, -50, message);

/**
 * Fyers' order checks in the order a reader would expect them; the first failure wins.
 * Codes and messages follow the reference (-300 invalid symbol, -50 naming the field; tick messages
 * in the documented "StopLoss not a multiple of tick size 0.0500" form). Returns undefined when valid.
 */
export function validateOrder(state: FakeState, b: Record<string, unknown>): Reply | undefined {
  const inst = typeof b.symbol === 'string' ? state.instruments.get(b.symbol) : undefined;
  if (!inst) return fyersError(400, -300, 'Invalid symbol');
  if (b.side !== 1 && b.side !== -1) return invalid('Invalid side');
  const type = b.type;
  if (type !== 1 && type !== 2 && type !== 3 && type !== 4) return invalid('Invalid order type');
  const product = b.productType;
  if (typeof product !== 'string' || !PRODUCT_TYPES.includes(product)) return invalid('Invalid productType');
  // Retired products: the official Go SDK marks BO and CO "deprecated and rejected by the API (HTTP 400, code -1800)".
  if (product === 'BO' || product === 'CO') return fyersError(400, -1800, 'BO/CO product types are deprecated. Use INTRADAY or MARGIN with takeProfit/stopLoss offsets instead');
  if (b.validity !== 'DAY' && b.validity !== 'IOC') return invalid('Invalid validity');
  const qty = num(b.qty);
  if (qty === undefined || !Number.isInteger(qty) || qty <= 0) return invalid('Invalid qty');
  if (qty % inst.lotSize !== 0) return invalid(`Invalid qty. Quantity should be a multiple of lot size ${inst.lotSize}`);

  const tick = inst.tickSize.toFixed(4);
  const limitPrice = num(b.limitPrice ?? 0);
  const stopPrice = num(b.stopPrice ?? 0);
  if (limitPrice === undefined || limitPrice < 0) return invalid('Invalid limitPrice');
  if (stopPrice === undefined || stopPrice < 0) return invalid('Invalid stopPrice');
  if ((type === 1 || type === 4) && limitPrice <= 0) return invalid('Invalid limitPrice. Provide a valid limit price');
  if ((type === 2 || type === 3) && limitPrice !== 0) return invalid('Invalid limitPrice. limitPrice should be 0 for this order type');
  if ((type === 3 || type === 4) && stopPrice <= 0) return invalid('Invalid stopPrice. Provide a valid stop price');
  if ((type === 1 || type === 2) && stopPrice !== 0) return invalid('Invalid stopPrice. stopPrice should be 0 for this order type');
  if (!isMultiple(limitPrice, inst.tickSize)) return invalid(`LimitPrice not a multiple of tick size ${tick}`);
  if (!isMultiple(stopPrice, inst.tickSize)) return invalid(`StopPrice not a multiple of tick size ${tick}`);

  const stopLoss = num(b.stopLoss ?? 0);
  const takeProfit = num(b.takeProfit ?? 0);
  if (stopLoss === undefined || stopLoss < 0) return invalid('Invalid stopLoss');
  if (takeProfit === undefined || takeProfit < 0) return invalid('Invalid takeProfit');
  // Percent legs (legType 2) are a share of the entry, not a price: no tick rule applies to them.
  if (b.legType !== 2 && !isMultiple(stopLoss, inst.tickSize)) return invalid(`StopLoss not a multiple of tick size ${tick}`);
  if (b.legType !== 2 && !isMultiple(takeProfit, inst.tickSize)) return invalid(`TakeProfit not a multiple of tick size ${tick}`);
  if (product === 'CO' && stopLoss <= 0) return invalid('Invalid stopLoss. stopLoss is mandatory for CO orders');
  if (product === 'CO' && type !== 1 && type !== 2) return invalid('Only market and limit orders are allowed for CO');
  if (product === 'BO' && (stopLoss <= 0 || takeProfit <= 0)) return invalid('Invalid stopLoss/takeProfit. Both are mandatory for BO orders');
  // TP/SL legs (current official SDK): INTRADAY/MARGIN only, 1 = points, 2 = percent, at least one leg.
  if (b.legType !== undefined) {
    if (b.legType !== 1 && b.legType !== 2) return invalid('Invalid legType. Allowed values are 1 (points) and 2 (percent)');
    if (product !== 'INTRADAY' && product !== 'MARGIN') return invalid('legType is only allowed for INTRADAY and MARGIN orders');
    if (stopLoss <= 0 && takeProfit <= 0) return invalid('legType needs a stopLoss or a takeProfit');
    if (b.legType === 2 && (stopLoss > 100 || takeProfit > 100)) return invalid('takeProfit/stopLoss percentage must be between 0.0025 and 100');
    const refused = typeof b.symbol === 'string' ? state.refuseLegsSymbols.get(b.symbol) : undefined;
    if (refused !== undefined) return invalid(refused);
  }
  const slice = b.isSliceOrder === true;
  if (inst.freezeQty !== undefined && qty > inst.freezeQty) {
    // Fyers documents no code or text for this refusal; an RMS-style -99 naming both numbers stands in.
    if (!slice) return fyersError(400, -99, `Order quantity ${qty} exceeds the freeze quantity ${inst.freezeQty}`);
    const per = Math.floor(inst.freezeQty / inst.lotSize) * inst.lotSize;
    if (Math.ceil(qty / per) > 10) return invalid('Slice order exceeds the maximum of 10 slices');
  }

  const tag = b.orderTag;
  if (tag !== undefined && tag !== '') {
    if (product === 'BO' || product === 'CO') return invalid('orderTag is not allowed for BO and CO orders');
    if (typeof tag !== 'string' || !TAG.test(tag)) return invalid('Invalid orderTag. Only alphanumeric characters, up to 30, are allowed');
    if (tag.toLowerCase() === 'untagged' || tag === state.appId.split('-')[0]) return invalid('Invalid orderTag');
  }
  return undefined;
}

/** Order ids look like YYMMDD (IST) followed by an 8-digit sequence, e.g. 26072100000001. */
function nextOrderId(state: FakeState, nowMs: number): string {
  state.orderSeq += 1;
  const ist = new Date(nowMs + 330 * 60_000).toISOString();
  return `${ist.slice(2, 4)}${ist.slice(5, 7)}${ist.slice(8, 10)}${String(state.orderSeq).padStart(8, '0')}`;
}

/**
 * Records a valid order as pending (status 6). What happens next (an immediate market fill, a fill
 * later, partial fills, an RMS rejection) is decided by fake-fyers.lifecycle, which the server runs
 * right after this.
 */
export function recordOrder(state: FakeState, b: Record<string, unknown>, nowMs: number, opts: { tagPrefix: boolean }): FakeOrder {
  const symbol = b.symbol as string;
  const tag = typeof b.orderTag === 'string' && b.orderTag !== '' ? b.orderTag : undefined;
  const order: FakeOrder = {
    id: nextOrderId(state, nowMs),
    symbol,
    qty: b.qty as number,
    filledQty: 0,
    type: b.type as number,
    side: b.side as 1 | -1,
    productType: b.productType as string,
    limitPrice: (b.limitPrice as number | undefined) ?? 0,
    stopPrice: (b.stopPrice as number | undefined) ?? 0,
    stopLoss: (b.stopLoss as number | undefined) ?? 0,
    takeProfit: (b.takeProfit as number | undefined) ?? 0,
    ...(typeof b.legType === 'number' ? { legType: b.legType } : {}),
    validity: b.validity as string,
    orderTag: tag === undefined ? '2:Untagged' : opts.tagPrefix ? `1:${tag}` : tag,
    status: 6,
    tradedPrice: 0,
    placedAtMs: nowMs,
    body: b,
  };
  state.orders.push(order);
  return order;
}

/** Moves the position by one fill. */
export function movePosition(state: FakeState, o: FakeOrder, qty: number, price: number): void {
  const key = `${o.symbol}-${o.productType}`;
  const p = state.positions.get(key) ?? { symbol: o.symbol, productType: o.productType, netQty: 0, buyQty: 0, sellQty: 0, buyVal: 0, sellVal: 0 };
  if (o.side === 1) { p.buyQty += qty; p.buyVal += qty * price; } else { p.sellQty += qty; p.sellVal += qty * price; }
  p.netQty = p.buyQty - p.sellQty;
  state.positions.set(key, p);
}

/** One order through Fyers' checks, the RMS refusals the test set, and the book: the reply a single placement gets. */
export function placeOne(state: FakeState, b: Record<string, unknown>, nowMs: number, opts: { tagPrefix: boolean; rejectStatus: number; afterRecord?: (o: FakeOrder) => void }): Reply {
  const refusal = validateOrder(state, b);
  if (refusal) return { ...refusal, status: opts.rejectStatus };
  const rms = typeof b.symbol === 'string' ? state.rejectSymbols.get(b.symbol) : undefined;
  if (rms !== undefined) return fyersError(opts.rejectStatus, -99, rms);
  // How Fyers answers a slice order inside a basket is undocumented; refusing it beats quietly
  // recording one order above the freeze, which the exchange never would.
  const freeze = state.instruments.get(b.symbol as string)?.freezeQty;
  if (b.isSliceOrder === true && freeze !== undefined && (b.qty as number) > freeze) return fyersError(opts.rejectStatus, -50, 'isSliceOrder is not supported in a multi order request');
  const order = recordOrder(state, b, nowMs, opts);
  opts.afterRecord?.(order);
  return placedReply(order);
}

/**
 * POST /multi-order/sync: an array of up to 10 order bodies, each answered on its own in `data[]`
 * ({statusCode, body, statusDescription}); the outer envelope says ok whatever the legs did.
 */
export function multiOrder(state: FakeState, raw: unknown, nowMs: number, opts: { tagPrefix: boolean; rejectStatus: number; afterRecord?: (o: FakeOrder) => void }): Reply {
  if (!Array.isArray(raw) || raw.length === 0) return invalid('Invalid input: expected an array of orders');
  if (raw.length > 10) return invalid('Maximum 10 orders are allowed in a multi order request');
  const data = raw.map((item: unknown) => {
    const b = item && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : {};
    const r = placeOne(state, b, nowMs, opts);
    return { statusCode: r.status, body: r.body, statusDescription: r.status === 200 ? 'HTTP OK' : 'Bad Request' };
  });
  return json(200, { s: 'ok', code: 200, message: '', data });
}


export const placedReply = (o: FakeOrder): Reply => json(200, { s: 'ok', code: 1101, message: 'Successfully placed order', id: o.id });

/**
 * isSliceOrder above the freeze quantity: one order per slice of at most the freeze quantity (whole lots),
 * each under the same tag, answered in Fyers' slice shape. At or below the limit it is an ordinary order.
 */
export function placeSliced(state: FakeState, b: Record<string, unknown>, nowMs: number, opts: { tagPrefix: boolean }, afterPlace: (o: FakeOrder) => void): Reply {
  const inst = state.instruments.get(b.symbol as string)!;
  const qty = b.qty as number;
  if (inst.freezeQty === undefined || qty <= inst.freezeQty) {
    const one = recordOrder(state, b, nowMs, opts);
    afterPlace(one);
    return placedReply(one);
  }
  const per = Math.floor(inst.freezeQty / inst.lotSize) * inst.lotSize;
  const data: unknown[] = [];
  for (let left = qty; left > 0; left -= per) {
    const o = recordOrder(state, { ...b, qty: Math.min(per, left) }, nowMs, opts);
    afterPlace(o);
    data.push({ statusCode: 200, body: { code: 1101, message: 'Successfully placed order', s: 'ok', id: o.id }, statusDescription: 'OK' });
  }
  return json(200, { s: 'ok', code: 1101, message: 'Order Slice placed successfully', data });
}

/**
 * PATCH /positions (attach_position_legs): TP/SL legs on an open position. The reply's shape is not
 * documented; this one follows the common envelope.
 */
export function attachLegs(state: FakeState, b: Record<string, unknown>): Reply {
  const p = typeof b.positionId === 'string' ? state.positions.get(b.positionId) : undefined;
  if (!p || p.netQty === 0) return fyersError(400, -53, 'Invalid position id');
  const legType = b.legType ?? 1;
  if (legType !== 1 && legType !== 2) return invalid('Invalid legType. Allowed values are 1 (points) and 2 (percent)');
  const takeProfit = num(b.takeProfit ?? 0);
  const stopLoss = num(b.stopLoss ?? 0);
  if (takeProfit === undefined || stopLoss === undefined || takeProfit < 0 || stopLoss < 0 || (takeProfit === 0 && stopLoss === 0)) return invalid('Provide a valid takeProfit or stopLoss');
  const qty = num(b.qty ?? Math.abs(p.netQty));
  if (qty === undefined || qty <= 0 || qty > Math.abs(p.netQty)) return invalid('Invalid qty');
  p.legs = { takeProfit, stopLoss, legType, qty };
  return json(200, { s: 'ok', code: 200, message: 'Legs attached successfully' });
}

/** "09-Mar-2023 09:34:38" in IST, as the orderbook shows times. */
export function istDateTime(ms: number): string {
  const d = new Date(ms + 330 * 60_000);
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}-${mon}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** The orderbook entry in Fyers' field names. */
export function orderbookEntry(state: FakeState, o: FakeOrder): Record<string, unknown> {
  return {
    id: o.id, exchOrdId: o.status === 2 ? `1100000${o.id.slice(-8)}` : '', id_fyers: `fy-${o.id}`, symbol: o.symbol,
    qty: o.qty, remainingQuantity: o.qty - o.filledQty, filledQty: o.filledQty, status: o.status, slNo: 0,
    message: o.message ?? (o.status === 2 ? 'TRADE CONFIRMED' : ''), segment: 11, limitPrice: o.limitPrice, stopPrice: o.stopPrice,
    productType: o.productType, type: o.type, side: o.side, disclosedQty: 0, orderValidity: o.validity,
    orderDateTime: istDateTime(o.placedAtMs), parentId: '', tradedPrice: o.tradedPrice, source: 'ITS',
    fyToken: '', offlineOrder: false, pan: '', clientId: 'FX0011', exchange: 10, instrument: 14,
    orderTag: o.orderTag, takeProfit: o.takeProfit, stopLoss: o.stopLoss, ex_sym: o.symbol.split(':')[1] ?? o.symbol,
    description: o.symbol, ch: 0, chp: 0, lp: state.ltp.get(o.symbol) ?? 0, dqQtyRem: 0, orderNumStatus: `${o.id}:${o.status}`,
  };
}

/**
 * GET /orders with the documented filters `id` and `order_tag`. Fyers expects `order_tag=1:<tag>`;
 * the fake also matches the bare tag, since whether Fyers does is not documented.
 */
export function orderbook(state: FakeState, query: URLSearchParams): Reply {
  const id = query.get('id');
  const tag = query.get('order_tag');
  const bare = (t: string) => t.replace(/^[12]:/, '');
  const rows = state.orders.filter((o) => (id === null || o.id === id) && (tag === null || o.orderTag === tag || bare(o.orderTag) === bare(tag)));
  return json(200, { s: 'ok', code: 200, message: '', orderBook: rows.map((o) => orderbookEntry(state, o)) });
}
