import { BrokerRejectedError } from '../../errors';
import type { OrderRequest } from '../broker.port';

const TAG = /^[A-Za-z0-9]{1,30}$/;

/** Fyers order types: 1 limit, 2 market, 4 stop-limit (SL-L). */
const FYERS_ORDER_TYPE = { LIMIT: 1, MARKET: 2, STOP_LIMIT: 4 } as const;

/**
 * OrderRequest → the POST /orders/sync body. stopLoss/takeProfit are TP/SL leg offsets from the entry
 * (legType 1 points, 2 percent), sent as given. Throws BrokerRejectedError, before anything is sent, for
 * requests Fyers would refuse anyway: a retired product (CO/BO answer -1800), a malformed tag, a LIMIT
 * without a price.
 */
export function toFyersOrderBody(o: OrderRequest): Record<string, unknown> {
  const refuse = (reason: string) => new BrokerRejectedError(`Order not sent: ${reason}`, { code: 'INVALID_REQUEST', reason });
  const product: string = o.productType;
  if (product !== 'INTRADAY' && product !== 'MARGIN') throw refuse(`productType ${product} is not sent (Fyers retired CO and BO; use INTRADAY or MARGIN with TP/SL legs)`);
  if (o.orderTag !== undefined) {
    if (!TAG.test(o.orderTag) || o.orderTag.toLowerCase() === 'untagged') throw refuse('orderTag must be 1-30 letters or digits');
  }
  if (!Number.isInteger(o.qty) || o.qty <= 0) throw refuse('qty must be a positive whole number of units');
  if (o.orderType !== 'MARKET' && !(o.limitPrice && o.limitPrice > 0)) throw refuse(`a ${o.orderType} order needs a limitPrice`);
  if (o.orderType === 'STOP_LIMIT' && !(o.stopPrice && o.stopPrice > 0)) throw refuse('a STOP_LIMIT order needs a stopPrice');
  if (o.legs === 'percent' && [o.stopLoss, o.takeProfit].some((x) => x !== undefined && !(x > 0 && x <= 100))) throw refuse('a percent TP/SL leg must be above 0 and at most 100');
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
    // TP/SL legs on INTRADAY/MARGIN: legType 1 = the offsets are points, 2 = percent of the entry.
    ...(o.legs && (o.stopLoss || o.takeProfit) ? { legType: o.legs === 'percent' ? 2 : 1 } : {}),
    ...(o.slice ? { isSliceOrder: true } : {}),
  };
}
