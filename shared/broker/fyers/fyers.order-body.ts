import { BrokerRejectedError } from '../../errors';
import type { OrderRequest } from '../broker.port';

const TAG = /^[A-Za-z0-9]{1,30}$/;

/** Fyers order types: 1 limit, 2 market, 4 stop-limit (SL-L). */
const FYERS_ORDER_TYPE = { LIMIT: 1, MARKET: 2, STOP_LIMIT: 4 } as const;

/**
 * OrderRequest → the POST /orders/sync body. stopLoss/takeProfit are offsets from the entry (Fyers'
 * CO/BO and TP/SL semantics), sent as given. Throws BrokerRejectedError, before anything is sent, for
 * requests Fyers would refuse anyway: a malformed tag, a tag on BO/CO, a LIMIT without a price.
 */
export function toFyersOrderBody(o: OrderRequest): Record<string, unknown> {
  const refuse = (reason: string) => new BrokerRejectedError(`Order not sent: ${reason}`, { code: 'INVALID_REQUEST', reason });
  if (o.orderTag !== undefined) {
    if (o.productType === 'BO' || o.productType === 'CO') throw refuse('Fyers does not accept an orderTag on BO/CO orders');
    if (!TAG.test(o.orderTag) || o.orderTag.toLowerCase() === 'untagged') throw refuse('orderTag must be 1-30 letters or digits');
  }
  if (!Number.isInteger(o.qty) || o.qty <= 0) throw refuse('qty must be a positive whole number of units');
  if (o.orderType !== 'MARKET' && !(o.limitPrice && o.limitPrice > 0)) throw refuse(`a ${o.orderType} order needs a limitPrice`);
  if (o.orderType === 'STOP_LIMIT' && !(o.stopPrice && o.stopPrice > 0)) throw refuse('a STOP_LIMIT order needs a stopPrice');
  if (o.legs && (o.productType === 'BO' || o.productType === 'CO')) throw refuse('TP/SL legs are for INTRADAY/MARGIN; CO/BO carry their own');
  return {
    symbol: o.symbol,
    qty: o.qty,
    type: FYERS_ORDER_TYPE[o.orderType],
    side: o.side === 'BUY' ? 1 : -1,
    productType: o.productType,
    limitPrice: o.orderType === 'MARKET' ? 0 : o.limitPrice,
    stopPrice: o.orderType === 'STOP_LIMIT' ? o.stopPrice : 0,
    validity: 'DAY',
    disclosedQty: 0,
    offlineOrder: false,
    stopLoss: o.stopLoss ?? 0,
    takeProfit: o.takeProfit ?? 0,
    ...(o.orderTag !== undefined ? { orderTag: o.orderTag } : {}),
    // TP/SL legs on INTRADAY/MARGIN: legType 1 = the offsets are points (2 would be percent of entry).
    ...(o.legs === 'points' && (o.stopLoss || o.takeProfit) ? { legType: 1 } : {}),
    ...(o.slice ? { isSliceOrder: true } : {}),
  };
}
