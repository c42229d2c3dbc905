import * as v from 'valibot';
import { IST_OFFSET_MS } from '../../platform/ist';
import type { OrderReport, OrderState, TradeFill } from '../broker.port';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const num = v.pipe(
  v.union([v.number(), v.pipe(v.string(), v.trim(), v.regex(/^-?\d+(\.\d+)?$/))]),
  v.transform(Number),
  v.number(),
  v.finite(),
);
const id = v.union([v.pipe(v.string(), v.minLength(1)), v.pipe(v.number(), v.transform(String))]);

/** The one shape of an order row: the orderbook's rows and the postbacks carry the same fields. */
export const OrderRowSchema = v.looseObject({
  id,
  symbol: v.pipe(v.string(), v.minLength(1)),
  side: num,
  qty: num,
  status: num,
  filledQty: v.optional(num, 0),
  tradedPrice: v.optional(num, 0),
  productType: v.optional(v.string(), ''),
  orderTag: v.optional(v.nullable(v.string())),
  orderDateTime: v.optional(v.unknown()),
  message: v.optional(v.nullable(v.string())),
});

export const OrderbookSchema = v.looseObject({
  orderBook: v.optional(v.nullable(v.array(v.unknown())), []),
});

export const TradebookSchema = v.looseObject({ tradeBook: v.optional(v.nullable(v.array(v.unknown())), []) });

const TradeRowSchema = v.looseObject({
  orderNumber: id,
  tradeNumber: v.optional(id),
  tradedQty: num,
  tradePrice: num,
  orderDateTime: v.optional(v.unknown()),
});

/** Fyers returns tags as `1:<tag>` and untagged orders as `2:Untagged`; a bare tag is accepted too. */
export function stripTag(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  if (/^2:/.test(raw)) return undefined;
  const tag = raw.replace(/^1:/, '');
  return tag === '' || tag.toLowerCase() === 'untagged' ? undefined : tag;
}

/** "09-Mar-2023 09:34:38" (IST) → epoch ms; epoch seconds or ms numbers are accepted as well. */
export function parseOrderTime(raw: unknown): number | undefined {
  if (typeof raw === 'number' && Number.isFinite(raw) && raw > 0) return raw < 1e12 ? raw * 1000 : raw;
  if (typeof raw !== 'string') return undefined;
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(raw.trim());
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2]!.toLowerCase());
  if (month < 0) return undefined;
  return Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - IST_OFFSET_MS;
}

/**
 * The one reading of Fyers' order status codes (orderbook rows and postbacks alike):
 * 1 cancelled, 2 traded, 5 rejected, 7 expired, 4 transit and 6 pending (working, or partially filled
 * once some but not all has filled). Undefined for a code we do not know.
 */
export function orderStateOf(status: number, filledQty = 0, qty = Infinity): OrderState | undefined {
  switch (status) {
    case 1: return 'cancelled';
    case 2: return 'filled';
    case 5: return 'rejected';
    case 7: return 'expired';
    case 4:
    case 6: return filledQty > 0 && filledQty < qty ? 'partially_filled' : 'working';
    default: return undefined;
  }
}

/**
 * One order row → OrderReport; undefined when the row is not an order we can read. A status code we do
 * not know reads as `working`: the order exists, and for reduce-only sizing it counts as still closing.
 */
export function toOrderReport(row: unknown, opts: { unknownStatus?: 'working' | 'skip' } = {}): OrderReport | undefined {
  const parsed = v.safeParse(OrderRowSchema, row);
  if (!parsed.success) return undefined;
  const r = parsed.output;
  const state = orderStateOf(r.status, r.filledQty, r.qty) ?? (opts.unknownStatus === 'skip' ? undefined : 'working');
  if (!state) return undefined;
  const tag = stripTag(r.orderTag);
  const at = parseOrderTime(r.orderDateTime);
  return {
    orderId: r.id,
    symbol: r.symbol,
    side: r.side > 0 ? 'BUY' : 'SELL',
    qty: r.qty,
    productType: r.productType,
    state,
    filledQty: r.filledQty,
    ...(r.filledQty > 0 && r.tradedPrice > 0 ? { avgPrice: r.tradedPrice } : {}),
    ...(tag !== undefined ? { orderTag: tag } : {}),
    ...(at !== undefined ? { placedAt: at } : {}),
    ...(r.message ? { message: r.message } : {}),
  };
}

export function toTradeFill(row: unknown): TradeFill | undefined {
  const parsed = v.safeParse(TradeRowSchema, row);
  if (!parsed.success) return undefined;
  const r = parsed.output;
  const at = parseOrderTime(r.orderDateTime);
  return { orderId: r.orderNumber, tradeId: r.tradeNumber ?? `${r.orderNumber}:${r.tradedQty}@${r.tradePrice}`, qty: r.tradedQty, price: r.tradePrice, ...(at !== undefined ? { at } : {}) };
}
