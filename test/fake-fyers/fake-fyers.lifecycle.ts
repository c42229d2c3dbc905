import { createHmac } from 'node:crypto';
import { fyersError, json, type Reply } from './http-io';
import { istDateTime, movePosition, orderbookEntry } from './fake-fyers.orders';
import type { FakeOrder, FakeState } from './fake-fyers.state';

/**
 * What the fake does with an order after accepting it. Chosen per order at placement, so a test can
 * give one order a delayed fill and leave the rest to the defaults.
 * - Default: a market order fills at once at the LTP; limit and stop-limit orders rest and fill when
 *   `setLtp` moves the price through them.
 * - `fills`: scheduled fills (partial when `qty` is less than what is left). A market order whose LTP
 *   is past its MPP band when a fill comes due rests instead and fills once the price comes back.
 * - `rejectAfterMs`: acknowledged, then rejected by RMS (status 5) with `rejectMessage`.
 */
export interface OrderPlan {
  fills?: Array<{ afterMs: number; qty?: number; price?: number }>;
  rejectAfterMs?: number;
  rejectMessage?: string;
}

export type PlanFor = (order: FakeOrder) => OrderPlan | undefined;

/**
 * How the fake signs postbacks. Fyers' documentation names a secret set in the API dashboard but, in
 * what we could find, not how it travels; both plausible readings are offered so the bridge is tested
 * against each: an HMAC-SHA256 of the raw body (hex) in `X-Fyers-Signature`, or the secret itself.
 */
export type PostbackSigning = 'hmac' | 'plain' | 'none';

export interface PostbackConfig {
  url: string;
  secret: string;
  signing?: PostbackSigning;
  /** Send each postback this many times (Fyers retries; duplicates must be harmless). Default 1. */
  copies?: number;
  /** Return true to lose a postback (the reconcile must catch up). */
  drop?: (payload: Record<string, unknown>) => boolean;
}

export interface PostbackRecord {
  orderId: string;
  status: number;
  filledQty: number;
  httpStatus?: number;
  error?: string;
  dropped?: boolean;
}

export interface Lifecycle {
  /** Applies the plan (or the defaults) to a just-placed order. Synchronous market fills happen before the reply. */
  afterPlace(order: FakeOrder): void;
  /** Re-evaluates resting orders of `ticker` after a price change. */
  onPrice(ticker: string): void;
  cancel(body: Record<string, unknown>): Reply;
  modify(body: Record<string, unknown>): Reply;
  tradebook(query: URLSearchParams): Reply;
  /** Fills (part of) an order now, as a test's explicit step. */
  fillNow(orderId: string, qty?: number, price?: number): void;
  rejectNow(orderId: string, message: string): void;
  /** Sends the order's current state as a postback again (a Fyers retry). */
  repost(orderId: string): Promise<void>;
  /** Resolves once every postback sent so far has been answered. */
  settled(): Promise<void>;
  postbacks: PostbackRecord[];
  setPostbacks(config: PostbackConfig | undefined): void;
  setPlan(planFor: PlanFor | undefined): void;
  stop(): void;
}

const isOpen = (o: FakeOrder) => o.status === 6 || o.status === 4;
const round = (n: number) => Math.round(n * 100) / 100;

export function signPostback(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export function createLifecycle(state: FakeState, clock: () => number, opts: { mppBandPct: number; postbacks?: PostbackConfig; planFor?: PlanFor }): Lifecycle {
  let postback = opts.postbacks;
  let planFor = opts.planFor;
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  const postbacks: PostbackRecord[] = [];
  let stopped = false;

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) fn();
    }, ms);
    timers.add(t);
  };

  const send = (o: FakeOrder): Promise<void> => {
    const cfg = postback;
    if (!cfg || stopped) return Promise.resolve();
    const payload = orderbookEntry(state, o);
    const record: PostbackRecord = { orderId: o.id, status: o.status, filledQty: o.filledQty };
    if (cfg.drop?.(payload)) {
      postbacks.push({ ...record, dropped: true });
      return Promise.resolve();
    }
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (cfg.signing === 'plain') headers['x-fyers-signature'] = cfg.secret;
    else if (cfg.signing !== 'none') headers['x-fyers-signature'] = signPostback(body, cfg.secret);
    const copies = Math.max(1, cfg.copies ?? 1);
    const all = Array.from({ length: copies }, async () => {
      const r: PostbackRecord = { ...record };
      postbacks.push(r);
      try {
        const res = await fetch(cfg.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(60_000) });
        r.httpStatus = res.status;
        await res.text();
      } catch (e) {
        r.error = e instanceof Error ? e.message : String(e);
      }
    });
    const p = Promise.all(all).then(() => undefined);
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    return p;
  };

  const fill = (o: FakeOrder, qty: number, price: number) => {
    const take = Math.min(qty, o.qty - o.filledQty);
    if (take <= 0 || !isOpen(o)) return;
    const at = clock();
    state.tradeSeq += 1;
    state.trades.push({
      tradeNumber: `T${String(state.tradeSeq).padStart(10, '0')}`, orderId: o.id, symbol: o.symbol, side: o.side,
      productType: o.productType, type: o.type, qty: take, price, atMs: at, orderTag: o.orderTag,
    });
    o.tradedPrice = round((o.tradedPrice * o.filledQty + price * take) / (o.filledQty + take));
    o.filledQty += take;
    if (o.filledQty >= o.qty) o.status = 2;
    movePosition(state, o, take, price);
    void send(o);
  };

  const reject = (o: FakeOrder, message: string) => {
    if (!isOpen(o)) return;
    o.status = 5;
    o.message = message;
    void send(o);
  };

  /** Whether a resting order may fill at the current price, and at what price. */
  const marketablePrice = (o: FakeOrder): number | undefined => {
    const ltp = state.ltp.get(o.symbol) ?? 100;
    const buy = o.side === 1;
    switch (o.type) {
      case 2: {
        const band = o.protectionPrice;
        if (band === undefined) return ltp;
        return (buy ? ltp <= band : ltp >= band) ? ltp : undefined;
      }
      case 1:
        return (buy ? ltp <= o.limitPrice : ltp >= o.limitPrice) ? ltp : undefined;
      case 4:
      case 3: {
        if (!o.triggered) o.triggered = buy ? ltp >= o.stopPrice : ltp <= o.stopPrice;
        if (!o.triggered) return undefined;
        if (o.type === 3) return ltp;
        return (buy ? ltp <= o.limitPrice : ltp >= o.limitPrice) ? ltp : undefined;
      }
      default:
        return undefined;
    }
  };

  /** Orders whose fills are driven by a plan wait for it; the rest fill by price. */
  const planned = new Set<string>();

  return {
    postbacks,
    setPostbacks: (c) => void (postback = c),
    setPlan: (p) => void (planFor = p),

    afterPlace(o) {
      const plan = planFor?.(o);
      const ltp = state.ltp.get(o.symbol) ?? 100;
      if (o.type === 2) o.protectionPrice = round(o.side === 1 ? ltp * (1 + opts.mppBandPct) : ltp * (1 - opts.mppBandPct));
      if (!plan) {
        // A ticker the test holds back rests like an unmarketable order, so it can be cancelled.
        if (o.type === 2 && !state.restSymbols.has(o.symbol)) return fill(o, o.qty, ltp);
        if (o.type === 2) return;
        void send(o);
        // A marketable limit fills at once, as at the exchange.
        const p = marketablePrice(o);
        if (p !== undefined) fill(o, o.qty, p);
        return;
      }
      planned.add(o.id);
      void send(o);
      if (plan.rejectAfterMs !== undefined) later(plan.rejectAfterMs, () => reject(o, plan.rejectMessage ?? 'RMS:Margin Exceeds'));
      for (const f of plan.fills ?? []) {
        later(f.afterMs, () => {
          const price = f.price ?? marketablePrice(o);
          if (price === undefined) {
            // MPP: the price gapped past the band; the order rests and fills by price from now on.
            planned.delete(o.id);
            return;
          }
          fill(o, f.qty ?? o.qty - o.filledQty, price);
        });
      }
    },

    onPrice(ticker) {
      for (const o of state.orders) {
        if (o.symbol !== ticker || !isOpen(o) || planned.has(o.id)) continue;
        const p = marketablePrice(o);
        if (p !== undefined) fill(o, o.qty - o.filledQty, p);
      }
    },

    cancel(b) {
      const o = state.orders.find((x) => x.id === b.id);
      if (!o) return fyersError(400, -51, 'Invalid order id');
      if (o.status === 2) return fyersError(400, -99, 'Order is already traded; cannot cancel');
      if (!isOpen(o)) return fyersError(400, -99, 'Order is not pending; cannot cancel');
      o.status = 1;
      o.message = 'Cancelled by user';
      void send(o);
      return json(200, { s: 'ok', code: 1103, message: 'Successfully cancelled order', id: o.id });
    },

    modify(b) {
      const o = state.orders.find((x) => x.id === b.id);
      if (!o) return fyersError(400, -51, 'Invalid order id');
      if (!isOpen(o)) return fyersError(400, -99, 'Order is not pending; cannot modify');
      const inst = state.instruments.get(o.symbol);
      const qty = b.qty === undefined ? o.qty : b.qty;
      if (typeof qty !== 'number' || !Number.isInteger(qty) || qty <= o.filledQty || (inst && qty % inst.lotSize !== 0)) return fyersError(400, -50, 'Invalid qty');
      for (const f of ['limitPrice', 'stopPrice'] as const) {
        const v = b[f];
        if (v === undefined) continue;
        if (typeof v !== 'number' || v < 0 || (inst && Math.abs(v / inst.tickSize - Math.round(v / inst.tickSize)) > 1e-6)) return fyersError(400, -50, `Invalid ${f}`);
        o[f] = v;
      }
      if (typeof b.type === 'number') o.type = b.type;
      o.qty = qty;
      void send(o);
      this.onPrice(o.symbol);
      return json(200, { s: 'ok', code: 1102, message: 'Successfully modified order', id: o.id });
    },

    tradebook(query) {
      const tag = query.get('order_tag');
      const bare = (t: string) => t.replace(/^[12]:/, '');
      const rows = state.trades
        .filter((t) => tag === null || bare(t.orderTag) === bare(tag))
        .map((t, i) => ({
          clientId: 'FX0011', orderDateTime: istDateTime(t.atMs), orderNumber: t.orderId, exchangeOrderNo: `1100000${t.orderId.slice(-8)}`,
          exchange: 10, side: t.side, segment: 11, orderType: t.type, fyToken: '', productType: t.productType, tradedQty: t.qty,
          tradePrice: t.price, tradeValue: round(t.qty * t.price), tradeNumber: t.tradeNumber, row: i + 1, symbol: t.symbol, orderTag: t.orderTag,
        }));
      return json(200, { s: 'ok', code: 200, message: '', tradeBook: rows });
    },

    fillNow(orderId, qty, price) {
      const o = state.orders.find((x) => x.id === orderId);
      if (!o) throw new Error(`no order ${orderId}`);
      fill(o, qty ?? o.qty - o.filledQty, price ?? state.ltp.get(o.symbol) ?? 100);
    },

    rejectNow(orderId, message) {
      const o = state.orders.find((x) => x.id === orderId);
      if (!o) throw new Error(`no order ${orderId}`);
      reject(o, message);
    },

    repost(orderId) {
      const o = state.orders.find((x) => x.id === orderId);
      if (!o) throw new Error(`no order ${orderId}`);
      return send(o);
    },

    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },

    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
