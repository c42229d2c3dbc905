import * as v from 'valibot';
import type { Logger } from '../../platform/logger';
import type { AccessTokenProvider } from '../../tokens/token.port';
import { jwtExpiryMs } from '../../tokens/jwt-expiry';
import type { Broker, BrokerSession, CancelOutcome, ModifyOutcome, OrderReport, OrderRequest, PlaceOutcome, Position, TradeFill } from '../broker.port';
import { AVAILABLE_BALANCE_ID, basketOutcomes, MAX_BASKET_ORDERS } from './fyers.basket';
import { BrokerRejectedError } from '../../errors';
import { codeOf, isOk, isRefusedRead, isTokenDead, messageOf, notConnectedError, readFailure, throwIfSessionDeadOrRateLimited } from './fyers.errors';
import { createFyersHttp, DEFAULT_FYERS_TIMEOUT_MS, FyersTransportError, type FyersHttp, type FyersReply } from './fyers.http';
import { toFyersOrderBody } from './fyers.order-body';
import { OrderbookSchema, stripTag, toOrderReport, toTradeFill, TradebookSchema } from './fyers.orderbook';
import { placeOutcome } from './fyers.place-outcome';
import { FundsSchema, PositionsSchema, QuotesSchema } from './fyers.schemas';

export interface FyersApiOptions {
  /** e.g. https://api-t1.fyers.in/api/v3 */
  apiUrl: string;
  /** e.g. https://api-t1.fyers.in/data */
  dataUrl: string;
  appId: string;
  accessToken: AccessTokenProvider;
  /** Per call. Default 2000 ms, so a placement plus our own work fits TradingView's 3 s. */
  timeoutMs?: number;
  logger: Logger;
  fetch?: typeof fetch;
}

/** Documented maximum symbols per /data/quotes call; the pacer batches up to it through `quoteBatchLimit`. */
export const FYERS_QUOTES_PER_CALL = 50;

/**
 * The Fyers v3 REST API as the Broker port, unwrapped, honouring the port's certainty contract: writes
 * throw only when nothing can have reached Fyers (connection refused, dead session, 429, a request
 * refused before sending) and otherwise resolve with the broker's verdict or `unknown`. Reads throw
 * BrokerUnavailableError (or SessionExpiredError / BrokerRateLimitedError) when they get no usable answer.
 * Only fyers.broker.ts uses it, wrapped in the pacer, the breaker and the session guard.
 */
export function createFyersApi(opts: FyersApiOptions): Broker {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_FYERS_TIMEOUT_MS;
  const api = createFyersHttp({ baseUrl: opts.apiUrl, appId: opts.appId, accessToken: opts.accessToken, timeoutMs, fetch: opts.fetch });
  const data = createFyersHttp({ baseUrl: opts.dataUrl, appId: opts.appId, accessToken: opts.accessToken, timeoutMs, fetch: opts.fetch });
  const log = opts.logger.child({ broker: 'fyers' });

  /** A read: an `s:'ok'` body or a thrown error. */
  const read = async (http: FyersHttp, what: string, path: string, searchParams?: Record<string, string>): Promise<FyersReply> => {
    let reply: FyersReply;
    try {
      reply = await http.get(path, searchParams ? { searchParams } : undefined);
    } catch (e) {
      if (e instanceof FyersTransportError) {
        log.warn('fyers read failed', { what, transport: e.kind });
        throw readFailure(what, e);
      }
      throw e;
    }
    throwIfSessionDeadOrRateLimited(reply, what);
    if (!isOk(reply)) {
      log.warn('fyers read refused', { what, httpStatus: reply.httpStatus, brokerCode: codeOf(reply.body), reason: messageOf(reply.body) });
      throw readFailure(what, reply);
    }
    return reply;
  };

  const orderbook = async (searchParams?: Record<string, string>): Promise<OrderReport[]> => {
    const reply = await read(api, 'orderbook', 'orders', searchParams);
    const parsed = v.safeParse(OrderbookSchema, reply.body);
    if (!parsed.success) throw readFailure('orderbook', reply);
    return (parsed.output.orderBook ?? []).map((row) => toOrderReport(row)).filter((o): o is OrderReport => o !== undefined);
  };

  /** A modify or cancel whose answer may be lost: `undefined` for "unknown"; throws when surely not sent. */
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
    name: 'fyers',
    quoteBatchLimit: FYERS_QUOTES_PER_CALL,

    async getQuotes(tickers) {
      const out = new Map<string, number>();
      const unique = [...new Set(tickers)];
      for (let i = 0; i < unique.length; i += FYERS_QUOTES_PER_CALL) {
        const reply = await read(data, 'quotes', 'quotes', { symbols: unique.slice(i, i + FYERS_QUOTES_PER_CALL).join(',') });
        const parsed = v.safeParse(QuotesSchema, reply.body);
        if (!parsed.success) throw readFailure('quotes', reply);
        for (const entry of parsed.output.d) {
          const lp = entry.v?.lp;
          // Matched by name, not position; error entries (unknown symbols) carry no lp and are left out.
          if (entry.s !== 'error' && typeof lp === 'number' && Number.isFinite(lp)) out.set(entry.n, lp);
        }
      }
      return out;
    },

    async getPositions(): Promise<Position[]> {
      const reply = await read(api, 'positions', 'positions');
      const parsed = v.safeParse(PositionsSchema, reply.body);
      if (!parsed.success) throw readFailure('positions', reply);
      return parsed.output.netPositions.map((p) => ({
        symbol: p.symbol,
        netQty: p.netQty,
        productType: p.productType,
        ...(p.netAvg !== undefined ? { avgPrice: p.netAvg } : {}),
        ...(p.ltp !== undefined ? { ltp: p.ltp } : {}),
        ...(p.pl !== undefined ? { pnl: p.pl } : {}),
        ...(p.realized_profit !== undefined ? { realized: p.realized_profit } : {}),
        ...(p.unrealized_profit !== undefined ? { unrealized: p.unrealized_profit } : {}),
      }));
    },

    async getFunds() {
      const reply = await read(api, 'funds', 'funds');
      const parsed = v.safeParse(FundsSchema, reply.body);
      const row = parsed.success ? parsed.output.fund_limit.find((f) => f.id === AVAILABLE_BALANCE_ID) : undefined;
      if (!row) throw readFailure('funds', reply);
      return { available: row.equityAmount };
    },

    async placeBasket(orders: OrderRequest[]): Promise<PlaceOutcome[]> {
      if (orders.length === 0) return [];
      if (orders.length > MAX_BASKET_ORDERS) throw new BrokerRejectedError(`Order not sent: a basket takes at most ${MAX_BASKET_ORDERS} orders`, { code: 'INVALID_REQUEST' });
      const bodies = orders.map(toFyersOrderBody);
      const ctx = { orders: orders.map((o) => ({ symbol: o.symbol, side: o.side, qty: o.qty, orderTag: o.orderTag })) };
      let reply: FyersReply;
      try {
        reply = await api.post('multi-order/sync', bodies);
      } catch (e) {
        if (!(e instanceof FyersTransportError)) throw e;
        if (!e.sent) {
          log.warn('fyers basket not sent: no connection', { ...ctx, transport: e.kind });
          throw notConnectedError('place basket', e);
        }
        log.error('fyers basket outcome unknown', { ...ctx, transport: e.kind });
        const reason = e.kind === 'timeout' ? `No answer from Fyers within ${timeoutMs} ms` : 'The connection to Fyers failed after the basket was sent';
        return orders.map(() => ({ status: 'unknown', reason }));
      }
      throwIfSessionDeadOrRateLimited(reply, 'place basket');
      const outcomes = basketOutcomes(reply, orders.length);
      log.info('fyers basket answered', { ...ctx, httpStatus: reply.httpStatus, outcomes: outcomes.map((o) => o.status) });
      return outcomes;
    },

    async cancelOrder(orderId: string): Promise<CancelOutcome> {
      const reply = await write('cancel order', 'delete', { id: orderId });
      if (!reply) return { status: 'unknown', reason: 'no answer from Fyers' };
      if (isOk(reply)) return { status: 'cancelled' };
      if (reply.httpStatus >= 500 || !reply.body) return { status: 'unknown', reason: `Fyers answered HTTP ${reply.httpStatus}` };
      log.warn('fyers cancel refused', { orderId, httpStatus: reply.httpStatus, brokerCode: codeOf(reply.body), reason: messageOf(reply.body) });
      return { status: 'not-open', reason: messageOf(reply.body) || `Fyers refused the cancel (code ${codeOf(reply.body) ?? reply.httpStatus})` };
    },

    async modifyOrder(orderId, change): Promise<ModifyOutcome> {
      const reply = await write('modify order', 'patch', { id: orderId, ...change });
      if (!reply) return { status: 'unknown', reason: 'no answer from Fyers' };
      if (isOk(reply)) return { status: 'modified' };
      if (reply.httpStatus >= 500 || !reply.body) return { status: 'unknown', reason: `Fyers answered HTTP ${reply.httpStatus}` };
      log.warn('fyers modify refused', { orderId, httpStatus: reply.httpStatus, brokerCode: codeOf(reply.body), reason: messageOf(reply.body) });
      return { status: 'refused', reason: messageOf(reply.body) || `Fyers refused the change (code ${codeOf(reply.body) ?? reply.httpStatus})` };
    },

    async tradebook(): Promise<TradeFill[]> {
      const reply = await read(api, 'tradebook', 'tradebook');
      const parsed = v.safeParse(TradebookSchema, reply.body);
      if (!parsed.success) throw readFailure('tradebook', reply);
      return (parsed.output.tradeBook ?? []).map(toTradeFill).filter((t): t is TradeFill => t !== undefined);
    },

    async placeOrder(order: OrderRequest): Promise<PlaceOutcome> {
      const body = toFyersOrderBody(order);
      const ctx = { symbol: order.symbol, side: order.side, qty: order.qty, productType: order.productType, orderTag: order.orderTag };
      let reply: FyersReply;
      try {
        reply = await api.post('orders/sync', body);
      } catch (e) {
        if (!(e instanceof FyersTransportError)) throw e;
        if (!e.sent) {
          log.warn('fyers order not sent: no connection', { ...ctx, transport: e.kind });
          throw notConnectedError('place order', e);
        }
        const outcome: PlaceOutcome = { status: 'unknown', reason: e.kind === 'timeout' ? `No answer from Fyers within ${timeoutMs} ms` : 'The connection to Fyers failed after the order was sent' };
        log.error('fyers order outcome unknown', { ...ctx, transport: e.kind });
        return outcome;
      }
      throwIfSessionDeadOrRateLimited(reply, 'place order');
      const outcome = placeOutcome(reply);
      const fields = { ...ctx, httpStatus: reply.httpStatus, brokerCode: codeOf(reply.body), outcome: outcome.status };
      if (outcome.status === 'placed') log.info('fyers order placed', { ...fields, orderId: outcome.orderId });
      else if (outcome.status === 'rejected') log.warn('fyers order rejected', { ...fields, reason: outcome.reason });
      else log.error('fyers order outcome unknown', { ...fields, reason: outcome.reason });
      return outcome;
    },

    async findOrders(query) {
      if (query.id !== undefined) {
        const wanted = query.id;
        // The server filter is a convenience; only the row with that id counts. A sliced order's other
        // slices have ids of their own (PlaceOutcome.slices lists them), so they are not returned here.
        return (await orderbook({ id: wanted })).filter((o) => o.orderId === wanted && (query.tag === undefined || o.orderTag === query.tag));
      }
      if (query.tag === undefined) return orderbook();
      const tag = query.tag;
      let rows: OrderReport[];
      try {
        rows = await orderbook({ order_tag: `1:${tag}` });
      } catch (e) {
        // How Fyers answers a tag filter with no match is undocumented; if it refuses, filter the whole book here.
        if (!isRefusedRead(e)) throw e;
        rows = await orderbook();
      }
      // The server filter is not trusted to be exact (prefix or not): match the tag here as well.
      return rows.filter((o) => stripTag(o.orderTag) === tag);
    },

    async checkSession(): Promise<BrokerSession> {
      const token = await opts.accessToken();
      if (!token) return { valid: false, reason: 'No Fyers access token; log in' };
      const expiresAt = jwtExpiryMs(token);
      const withExpiry = expiresAt !== undefined ? { expiresAt } : {};
      let reply: FyersReply;
      try {
        reply = await api.get('profile');
      } catch (e) {
        if (e instanceof FyersTransportError) throw readFailure('profile', e);
        throw e;
      }
      if (isTokenDead(reply)) return { valid: false, reason: messageOf(reply.body) || 'The Fyers session has expired', ...withExpiry };
      throwIfSessionDeadOrRateLimited(reply, 'profile');
      if (!isOk(reply)) throw readFailure('profile', reply);
      return { valid: true, ...withExpiry };
    },
  };
}
