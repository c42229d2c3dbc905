import * as v from 'valibot';
import { IST_OFFSET_MS } from '../../platform/ist';
import type { BrokerOrder, OrderState } from '../broker.port';
import { OrderbookEntrySchema } from './fyers.schemas';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

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
 * Fyers' order status codes in the port's words: 1 cancelled, 2 traded, 4 transit, 5 rejected,
 * 6 pending (partially filled when some quantity has traded), 7 expired. A code we do not know is
 * read as `working`: the order exists, and for reduce-only sizing it counts as still closing.
 */
export function orderStateOf(status: number, filledQty = 0, qty = 0): OrderState {
  switch (status) {
    case 1: return 'cancelled';
    case 2: return 'filled';
    case 5: return 'rejected';
    case 7: return 'expired';
    case 6: return filledQty > 0 && filledQty < qty ? 'partially_filled' : 'working';
    default: return 'working';
  }
}

/** One orderbook row → BrokerOrder; rows that don't parse are skipped (returned as undefined), not guessed. */
export function toBrokerOrder(row: unknown): BrokerOrder | undefined {
  const parsed = v.safeParse(OrderbookEntrySchema, row);
  if (!parsed.success) return undefined;
  const r = parsed.output;
  const tag = stripTag(r.orderTag);
  const placedAt = parseOrderTime(r.orderDateTime);
  return {
    orderId: r.id,
    symbol: r.symbol,
    side: r.side > 0 ? 'BUY' : 'SELL',
    qty: r.qty,
    productType: r.productType,
    state: orderStateOf(r.status, r.filledQty, r.qty),
    ...(r.filledQty !== undefined ? { filledQty: r.filledQty } : {}),
    ...(tag !== undefined ? { orderTag: tag } : {}),
    ...(placedAt !== undefined ? { placedAt } : {}),
    ...(r.message ? { message: r.message } : {}),
    ...(r.filledQty !== undefined ? { filledQty: r.filledQty } : {}),
    ...(r.filledQty && r.tradedPrice ? { avgFillPrice: r.tradedPrice } : {}),
  };
}
