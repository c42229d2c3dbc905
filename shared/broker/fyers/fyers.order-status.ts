import * as v from 'valibot';
import type { BrokerOrderState, OrderStatusReport, TradeFill } from '../order-desk.port';
import { knownOrderStateOf, parseOrderTime, stripTag } from './fyers.orderbook';

const num = v.pipe(
  v.union([v.number(), v.pipe(v.string(), v.trim(), v.regex(/^-?\d+(\.\d+)?$/))]),
  v.transform(Number),
  v.number(),
  v.finite(),
);
const id = v.union([v.pipe(v.string(), v.minLength(1)), v.pipe(v.number(), v.transform(String))]);

/** The orderbook row fields the lifecycle relies on; postbacks carry the same fields. */
const OrderRowSchema = v.looseObject({
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

const TradeRowSchema = v.looseObject({
  orderNumber: id,
  tradeNumber: v.optional(id),
  tradedQty: num,
  tradePrice: num,
  orderDateTime: v.optional(v.unknown()),
});

/** Fyers status → our state, as the orderbook reads it (one owner of the codes); undefined for an unknown code. */
export function stateOf(status: number, filledQty: number, qty?: number): BrokerOrderState | undefined {
  return knownOrderStateOf(status, filledQty, qty);
}

/** An orderbook row or postback → a report; undefined when the row is not an order we can read. */
export function toStatusReport(row: unknown): OrderStatusReport | undefined {
  const parsed = v.safeParse(OrderRowSchema, row);
  if (!parsed.success) return undefined;
  const r = parsed.output;
  const state = stateOf(r.status, r.filledQty, r.qty);
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
    ...(at !== undefined ? { exchangeTime: at } : {}),
    ...(r.message ? { message: r.message } : {}),
    ...(tag !== undefined ? { orderTag: tag } : {}),
  };
}

export function toTradeFill(row: unknown): TradeFill | undefined {
  const parsed = v.safeParse(TradeRowSchema, row);
  if (!parsed.success) return undefined;
  const r = parsed.output;
  const at = parseOrderTime(r.orderDateTime);
  return { orderId: r.orderNumber, tradeId: r.tradeNumber ?? `${r.orderNumber}:${r.tradedQty}@${r.tradePrice}`, qty: r.tradedQty, price: r.tradePrice, ...(at !== undefined ? { at } : {}) };
}
