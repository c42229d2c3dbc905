import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as auth from './fake-fyers.auth';
import { busyWait, sleep, takeFault, type Fault, type RouteName } from './fake-fyers.faults';
import * as market from './fake-fyers.market';
import { createLifecycle, type Lifecycle, type PlanFor, type PostbackConfig } from './fake-fyers.lifecycle';
import { attachLegs, multiOrder, orderbook, placedReply, placeSliced, recordOrder, validateOrder } from './fake-fyers.orders';
import { createRateLimiter } from './fake-fyers.rate-limit';
import { createState, type FakeInstrument, type FakeState, type TokenDeath } from './fake-fyers.state';
import { instrumentsFromJsonMaster, SYMBOL_MASTER_PATH, symbolMaster } from './fake-fyers.symbol-master';
import { fyersError, json, readBody, writeReply as writeReplyTo, type Reply } from './http-io';

export interface FakeFyersOptions {
  appId?: string;
  appSecret?: string;
  redirectUri?: string;
  pin?: string;
  /** Tradable contracts (ticker → lot and tick); any object with these fields, e.g. an Instrument, will do. */
  instruments?: FakeInstrument[];
  /**
   * JSON symbol masters the fake publishes at `<origin>/sym_details/<file name>`, e.g.
   * `{ 'NSE_FO_sym_master.json': text }`. Their contracts are tradable too (over `instruments` for the
   * same ticker), with the lot, tick and freeze quantity (`qtyFreeze`) the file gives.
   */
  jsonMasters?: Record<string, string>;
  /** Initial LTPs by ticker (index tickers included, which are quotable but not tradable). */
  ltp?: Record<string, number>;
  /** Enforce 10 requests/s and 200/min over /api/v3 and /data (auth routes excluded). Off by default. */
  rateLimit?: boolean | { perSecond: number; perMinute: number };
  /** Store tags as `1:<tag>` (documented, default) or bare, to exercise either reading in a client. */
  tagPrefix?: boolean;
  /** HTTP status with order refusals (-50/-300); undocumented, so tests can try 200 as well. Default 400. */
  rejectStatus?: number;
  authCodeMode?: auth.AuthOptions['authCodeMode'];
  refreshMode?: auth.AuthOptions['refreshMode'];
  accessTokenExp?: auth.AuthOptions['accessTokenExp'];
  clock?: () => number;
  /** Postbacks to the bridge's orderUpdates URL, signed as configured. Off when absent. */
  postbacks?: PostbackConfig;
  /** Per-order plan: delayed and partial fills, RMS rejection after acknowledgement (see OrderPlan). */
  planFor?: PlanFor;
  /** Market Price Protection band as a fraction of the LTP at placement. Default 0.05. */
  mppBandPct?: number;
}

export interface FakeFyers {
  /** Origin, e.g. http://127.0.0.1:41234 */
  url: string;
  /** `<origin>/api/v3` */
  apiUrl: string;
  /** `<origin>/data` */
  dataUrl: string;
  state: FakeState;
  /** Applies a fault to the next `times` requests on `route` (default: every request until cleared). */
  inject(route: RouteName | '*', fault: Fault, times?: number): void;
  clearFaults(): void;
  /** From now on every authenticated call fails as with a dead token. */
  killTokens(death?: Partial<TokenDeath>): void;
  /** A fresh access token the fake accepts; `exp` in epoch seconds, `null` for a token without `exp`. */
  issueAccessToken(exp?: number | null): string;
  /** Sets the LTP; resting limit, stop-limit and MPP-held market orders of that ticker fill when it crosses them. */
  setLtp(ticker: string, lp: number): void;
  /** MPP: from now on MARKET orders rest unfilled (as a price-protected limit beyond a gap) instead of filling. */
  restMarketOrders(rest: boolean): void;
  /** Order state over time, postbacks, cancel/modify and the tradebook. */
  lifecycle: Lifecycle;
  setPosition(symbol: string, productType: string, netQty: number): void;
  /** From now on RMS refuses orders for this ticker with `message` (code -99); `undefined` lifts it. */
  rejectSymbol(ticker: string, message?: string): void;
  /** From now on orders with TP/SL legs for this ticker are refused (code -50, naming the legs); `null` lifts it. */
  refuseLegs(ticker: string, message?: string | null): void;
  /** The URL a browser would open to log in. */
  authCodeUrl(state: string): string;
  close(): Promise<void>;
}

export const DEFAULT_INSTRUMENTS: FakeInstrument[] = [
  { ticker: 'NSE:NIFTY2672124400CE', lotSize: 65, tickSize: 0.05 },
  { ticker: 'NSE:NIFTY2672124400PE', lotSize: 65, tickSize: 0.05 },
  { ticker: 'NSE:NIFTY2672129450CE', lotSize: 65, tickSize: 0.05 },
  { ticker: 'NSE:NIFTY26JULFUT', lotSize: 65, tickSize: 0.1 },
  { ticker: 'NSE:BANKNIFTY26JULFUT', lotSize: 30, tickSize: 0.2 },
];

type RouteDef = { route: RouteName; method: string; family: 'auth' | 'api' | 'data' | 'public' };
/** Fyers' public files: no login and no API rate limit. */
const SYMBOL_MASTER_ROUTE: RouteDef = { route: 'symbol-master', method: 'GET', family: 'public' };

const ROUTES: Record<string, RouteDef> = {
  '/api/v3/generate-authcode': { route: 'generate-authcode', method: 'GET', family: 'auth' },
  '/api/v3/validate-authcode': { route: 'validate-authcode', method: 'POST', family: 'auth' },
  '/api/v3/validate-refresh-token': { route: 'validate-refresh-token', method: 'POST', family: 'auth' },
  '/api/v3/profile': { route: 'profile', method: 'GET', family: 'api' },
  '/api/v3/positions': { route: 'positions', method: 'GET', family: 'api' },
  '/api/v3/orders': { route: 'orderbook', method: 'GET', family: 'api' },
  '/api/v3/orders/sync': { route: 'place-order', method: 'POST', family: 'api' },
  'PATCH /api/v3/orders/sync': { route: 'modify-order', method: 'PATCH', family: 'api' },
  'DELETE /api/v3/orders/sync': { route: 'cancel-order', method: 'DELETE', family: 'api' },
  '/api/v3/tradebook': { route: 'tradebook', method: 'GET', family: 'api' },
  'PATCH /api/v3/positions': { route: 'attach-legs', method: 'PATCH', family: 'api' },
  '/data/quotes': { route: 'quotes', method: 'GET', family: 'data' },
  '/api/v3/funds': { route: 'funds', method: 'GET', family: 'api' },
  '/api/v3/multi-order/sync': { route: 'multi-order', method: 'POST', family: 'api' },
};


/** Starts a fake of the Fyers v3 REST API on 127.0.0.1 and an ephemeral port. */
export async function startFakeFyers(opts: FakeFyersOptions = {}): Promise<FakeFyers> {
  const clock = opts.clock ?? Date.now;
  const state = createState({
    appId: opts.appId ?? 'TESTAPP1-100',
    appSecret: opts.appSecret ?? 'fake-app-secret',
    redirectUri: opts.redirectUri ?? 'http://127.0.0.1/fyers/callback',
    pin: opts.pin ?? '1234',
    instruments: [...(opts.instruments ?? DEFAULT_INSTRUMENTS), ...Object.values(opts.jsonMasters ?? {}).flatMap(instrumentsFromJsonMaster)],
    ltp: opts.ltp ?? { 'NSE:NIFTY50-INDEX': 24410.5, 'NSE:NIFTY2672124400CE': 152.35 },
  });
  const authOpts: auth.AuthOptions = {
    authCodeMode: opts.authCodeMode ?? 'redirect',
    refreshMode: opts.refreshMode ?? 'accept',
    accessTokenExp: opts.accessTokenExp ?? auth.nextSixAmIst,
    clock,
  };
  const limits = opts.rateLimit === true ? { perSecond: 10, perMinute: 200 } : opts.rateLimit || undefined;
  const admit = limits ? createRateLimiter(limits, clock) : () => 0;
  const tagPrefix = opts.tagPrefix ?? true;
  const rejectStatus = opts.rejectStatus ?? 400;
  const masters = new Map(Object.entries(opts.jsonMasters ?? {}));
  const lifecycle = createLifecycle(state, clock, { mppBandPct: opts.mppBandPct ?? 0.05, postbacks: opts.postbacks, planFor: opts.planFor });

  /** The route's own behaviour, once auth, rate limits and 'before' faults have passed. */
  const handle = (route: RouteName, url: URL, body: Record<string, unknown>, fault?: Fault, rawJson?: unknown): Reply => {
    const query = url.searchParams;
    switch (route) {
      case 'symbol-master': return symbolMaster(masters, url.pathname);
      case 'generate-authcode': return auth.generateAuthCode(state, authOpts, query);
      case 'validate-authcode': return auth.validateAuthCode(state, authOpts, body);
      case 'validate-refresh-token': return auth.validateRefreshToken(state, authOpts, body);
      case 'profile': return market.profile();
      case 'positions': return market.positions(state);
      case 'quotes': return market.quotes(state, query);
      case 'orderbook': return orderbook(state, query);
      case 'tradebook': return lifecycle.tradebook(query);
      case 'cancel-order': return lifecycle.cancel(body);
      case 'modify-order': return lifecycle.modify(body);
      case 'funds': return market.funds(state);
      case 'multi-order': {
        if (fault?.kind === 'reject') return fyersError(fault.httpStatus ?? rejectStatus, fault.code, fault.message);
        return multiOrder(state, rawJson, clock(), { tagPrefix, rejectStatus, afterRecord: (o) => lifecycle.afterPlace(o) });
      }
      case 'place-order': {
        if (fault?.kind === 'reject') return fyersError(fault.httpStatus ?? rejectStatus, fault.code, fault.message);
        const refusal = validateOrder(state, body);
        if (refusal) return { ...refusal, status: rejectStatus };
        const rms = typeof body.symbol === 'string' ? state.rejectSymbols.get(body.symbol) : undefined;
        if (rms !== undefined) return fyersError(rejectStatus, -99, rms);
        if (body.isSliceOrder === true) {
          const sliced = placeSliced(state, body, clock(), { tagPrefix }, (o) => lifecycle.afterPlace(o));
          if (fault?.kind === 'no-ack') return json(fault.httpStatus ?? 200, { s: 'ok', code: 201, message: 'Request sent to the exchange; no acknowledgement received' });
          return sliced;
        }
        const order = recordOrder(state, body, clock(), { tagPrefix });
        lifecycle.afterPlace(order);
        if (fault?.kind === 'no-ack') return json(fault.httpStatus ?? 200, { s: 'ok', code: 201, message: 'Request sent to the exchange; no acknowledgement received' });
        return placedReply(order);
      }
      case 'attach-legs': return attachLegs(state, body);
    }
  };

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const def = ROUTES[`${req.method} ${url.pathname}`] ?? ROUTES[url.pathname] ?? (url.pathname.startsWith(SYMBOL_MASTER_PATH) ? SYMBOL_MASTER_ROUTE : undefined);
    const entry: FakeState['requests'][number] = { method: req.method ?? '', url: url.pathname + url.search, route: def?.route, headers: { ...req.headers }, at: clock() };
    state.requests.push(entry);
    // Every answer is logged with its status, so a test can prove e.g. that the fake never answered 429.
    const writeReply = (r: ServerResponse, reply: Reply) => {
      entry.status = reply.status;
      writeReplyTo(r, reply);
    };
    const raw = await readBody(req);
    if (!def || def.method !== req.method) return writeReply(res, json(404, { s: 'error', code: 404, message: 'Not found' }));

    let body: Record<string, unknown> = {};
    let rawJson: unknown;
    if (req.method === 'POST' || req.method === 'PATCH' || req.method === 'DELETE') {
      try {
        const parsed: unknown = JSON.parse(raw);
        rawJson = parsed;
        // Only the basket takes an array; every other body is one object.
        if (parsed === null || typeof parsed !== 'object' || (Array.isArray(parsed) && def.route !== 'multi-order')) throw new Error('not an object');
        if (!Array.isArray(parsed)) body = parsed as Record<string, unknown>;
      } catch {
        return writeReply(res, fyersError(400, -50, 'Invalid input'));
      }
    }

    const fault = takeFault(state.faults, def.route);
    const phase = fault && 'phase' in fault ? fault.phase ?? 'before' : 'before';
    if (fault?.kind === 'stall') busyWait(fault.ms);
    if (fault?.kind === 'latency' && phase === 'before') await sleep(fault.ms);
    if (fault?.kind === 'reset' && phase === 'before') return void req.socket.destroy();
    if (fault?.kind === 'status' && phase === 'before') return writeReply(res, json(fault.status, fault.body ?? ''));
    if (fault?.kind === 'rate-limited') return writeReply(res, tooManyRequests(fault.retryAfterMs ?? 1000, fault.emptyBody));

    if (def.family === 'api' || def.family === 'data') {
      const wait = admit();
      if (wait > 0) return writeReply(res, tooManyRequests(wait, false));
      const denied = auth.checkAuth(state, req, def.family);
      if (denied) return writeReply(res, denied);
    }

    const reply = handle(def.route, url, body, fault, rawJson);
    if (fault?.kind === 'latency' && phase === 'after') await sleep(fault.ms);
    if (fault?.kind === 'reset' && phase === 'after') return void req.socket.destroy();
    if (fault?.kind === 'status' && phase === 'after') return writeReply(res, json(fault.status, fault.body ?? ''));
    writeReply(res, reply);
  };

  const server = createServer((req, res) => {
    serve(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    apiUrl: `${origin}/api/v3`,
    dataUrl: `${origin}/data`,
    state,
    inject: (route, fault, times = Infinity) => void state.faults.push({ route, fault, remaining: times }),
    clearFaults: () => void state.faults.splice(0),
    killTokens: (death) => { state.tokenDeath = { code: death?.code, httpStatus: death?.httpStatus ?? 401 }; },
    issueAccessToken: (exp) => auth.issueAccessToken(state, authOpts, exp === null ? undefined : exp ?? authOpts.accessTokenExp(clock())),
    setLtp: (ticker, lp) => {
      state.ltp.set(ticker, lp);
      lifecycle.onPrice(ticker);
    },
    lifecycle,
    restMarketOrders: (rest) => lifecycle.setPlan(rest ? () => ({ fills: [] }) : undefined),
    // Entered at today's price, so a position set by hand starts with no P&L.
    setPosition: (symbol, productType, netQty) => {
      const px = state.ltp.get(symbol) ?? 100;
      const buyQty = Math.max(netQty, 0);
      const sellQty = Math.max(-netQty, 0);
      state.positions.set(`${symbol}-${productType}`, { symbol, productType, netQty, buyQty, sellQty, buyVal: buyQty * px, sellVal: sellQty * px });
    },
    rejectSymbol: (ticker, message) => {
      if (message === undefined) state.rejectSymbols.delete(ticker);
      else state.rejectSymbols.set(ticker, message);
    },
    refuseLegs: (ticker, message) => {
      if (message === null) state.refuseLegsSymbols.delete(ticker);
      else state.refuseLegsSymbols.set(ticker, message ?? 'TP/SL legs (stopLoss/takeProfit) are not allowed for this contract');
    },
    authCodeUrl: (s) => `${origin}/api/v3/generate-authcode?${new URLSearchParams({ client_id: state.appId, redirect_uri: state.redirectUri, response_type: 'code', state: s })}`,
    close: () => new Promise<void>((resolve) => {
      lifecycle.stop();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** HTTP 429 with both documented retry headers; the JSON body is optional in the docs. */
function tooManyRequests(retryAfterMs: number, emptyBody?: boolean): Reply {
  const headers = { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))), 'x-retry-after-ms': String(Math.ceil(retryAfterMs)) };
  return emptyBody ? { status: 429, headers, body: '' } : json(429, { s: 'error', code: -429, message: 'request limit reached' }, headers);
}
