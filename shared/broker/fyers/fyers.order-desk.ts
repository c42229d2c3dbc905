import * as v from 'valibot';
import type { Logger } from '../../platform/logger';
import type { AccessTokenProvider } from '../../tokens/token.port';
import type { PlaceOutcome } from '../broker.port';
import type { CancelOutcome, ExitOrderRequest, ModifyOutcome, OrderDesk, OrderStatusReport, TradeFill } from '../order-desk.port';
import { codeOf, isOk, messageOf, notConnectedError, readFailure, throwIfSessionDeadOrRateLimited } from './fyers.errors';
import { createFyersHttp, DEFAULT_FYERS_TIMEOUT_MS, FyersTransportError, type FyersHttp, type FyersReply } from './fyers.http';
import { toStatusReport, toTradeFill } from './fyers.order-status';
import { stripTag } from './fyers.orderbook';
import { placeOutcome } from './fyers.place-outcome';
import { OrderbookSchema } from './fyers.schemas';

export interface FyersOrderDeskOptions {
  apiUrl: string;
  appId: string;
  accessToken: AccessTokenProvider;
  timeoutMs?: number;
  logger: Logger;
  fetch?: typeof fetch;
}

const TradebookSchema = v.looseObject({ tradeBook: v.optional(v.nullable(v.array(v.unknown())), []) });

/** Fyers order types: 1 limit, 2 market, 4 stop-limit (SL-L). */
export function toFyersExitBody(o: ExitOrderRequest): Record<string, unknown> {
  return {
    symbol: o.symbol,
    qty: o.qty,
    type: o.kind === 'stop-limit' ? 4 : o.kind === 'limit' ? 1 : 2,
    side: o.side === 'BUY' ? 1 : -1,
    productType: o.productType,
    limitPrice: o.kind === 'market' ? 0 : o.limitPrice ?? 0,
    stopPrice: o.kind === 'stop-limit' ? o.stopPrice ?? 0 : 0,
    validity: 'DAY',
    disclosedQty: 0,
    offlineOrder: false,
    stopLoss: 0,
    takeProfit: 0,
    orderTag: o.orderTag,
  };
}

/** The lifecycle's side of the Fyers API: orderbook/tradebook reads, exit placement, cancel and modify. */
export function createFyersOrderDesk(opts: FyersOrderDeskOptions): OrderDesk {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_FYERS_TIMEOUT_MS;
  const api: FyersHttp = createFyersHttp({ baseUrl: opts.apiUrl, appId: opts.appId, accessToken: opts.accessToken, timeoutMs, fetch: opts.fetch });
  const log = opts.logger.child({ broker: 'fyers', part: 'order-desk' });

  const read = async (what: string, path: string, searchParams?: Record<string, string>): Promise<FyersReply> => {
    let reply: FyersReply;
    try {
      reply = await api.get(path, searchParams ? { searchParams } : undefined);
    } catch (e) {
      if (e instanceof FyersTransportError) throw readFailure(what, e);
      throw e;
    }
    throwIfSessionDeadOrRateLimited(reply, what);
    if (!isOk(reply)) throw readFailure(what, reply);
    return reply;
  };

  const orders = async (searchParams?: Record<string, string>): Promise<OrderStatusReport[]> => {
    const reply = await read('orderbook', 'orders', searchParams);
    const parsed = v.safeParse(OrderbookSchema, reply.body);
    if (!parsed.success) throw readFailure('orderbook', reply);
    return (parsed.output.orderBook ?? []).map(toStatusReport).filter((o): o is OrderStatusReport => o !== undefined);
  };

  /** A write whose answer may be lost: resolves `undefined` for "unknown", throws when surely not sent. */
  const write = async (what: string, method: 'patch' | 'delete', body: unknown): Promise<FyersReply | undefined> => {
    try {
      const reply = await api[method]('orders/sync', body);
      throwIfSessionDeadOrRateLimited(reply, what);
      return reply;
    } catch (e) {
      if (!(e instanceof FyersTransportError)) throw e;
      if (!e.sent) throw notConnectedError(what, e);
      log.warn('fyers write outcome unknown', { what, transport: e.kind });
      return undefined;
    }
  };

  return {
    orderbook: () => orders(),

    async tradebook(): Promise<TradeFill[]> {
      const reply = await read('tradebook', 'tradebook');
      const parsed = v.safeParse(TradebookSchema, reply.body);
      if (!parsed.success) throw readFailure('tradebook', reply);
      return (parsed.output.tradeBook ?? []).map(toTradeFill).filter((t): t is TradeFill => t !== undefined);
    },

    async findByTag(tag) {
      const all = await orders();
      return all.filter((o) => stripTag(o.orderTag) === tag);
    },

    async place(order): Promise<PlaceOutcome> {
      let reply: FyersReply;
      try {
        reply = await api.post('orders/sync', toFyersExitBody(order));
      } catch (e) {
        if (!(e instanceof FyersTransportError)) throw e;
        if (!e.sent) throw notConnectedError('place exit order', e);
        return { status: 'unknown', reason: e.kind === 'timeout' ? `No answer from Fyers within ${timeoutMs} ms` : 'The connection to Fyers failed after the order was sent' };
      }
      throwIfSessionDeadOrRateLimited(reply, 'place exit order');
      const outcome = placeOutcome(reply);
      log.info('fyers exit order', { kind: order.kind, symbol: order.symbol, side: order.side, qty: order.qty, orderTag: order.orderTag, outcome: outcome.status });
      return outcome;
    },

    async cancel(orderId): Promise<CancelOutcome> {
      const reply = await write('cancel order', 'delete', { id: orderId });
      if (!reply) return { status: 'unknown', reason: 'no answer from Fyers' };
      if (isOk(reply)) return { status: 'cancelled' };
      if (reply.httpStatus >= 500 || !reply.body) return { status: 'unknown', reason: `Fyers answered HTTP ${reply.httpStatus}` };
      return { status: 'not-open', reason: messageOf(reply.body) || `code ${codeOf(reply.body) ?? reply.httpStatus}` };
    },

    async modify(orderId, change): Promise<ModifyOutcome> {
      const reply = await write('modify order', 'patch', { id: orderId, ...change });
      if (!reply) return { status: 'unknown', reason: 'no answer from Fyers' };
      if (isOk(reply)) return { status: 'modified' };
      if (reply.httpStatus >= 500 || !reply.body) return { status: 'unknown', reason: `Fyers answered HTTP ${reply.httpStatus}` };
      return { status: 'refused', reason: messageOf(reply.body) || `code ${codeOf(reply.body) ?? reply.httpStatus}` };
    },
  };
}
