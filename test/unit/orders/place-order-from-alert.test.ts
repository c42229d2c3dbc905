import { managedExitTag } from '../../../shared/orders/order-tags';
import { placeOrderFromAlert } from '../../../shared/orders/place-order-from-alert';
import {
  BrokerRateLimitedError,
  BrokerUnavailableError,
  DependencyUnavailableError,
  InFlightError,
  InvalidAlertError,
  OutsideTradingWindowError,
  RiskRefusedError,
  SessionExpiredError,
  TradingDisabledError,
  UnauthorizedError,
  UnknownInstrumentError,
} from '../../../shared/errors';
import { istInstant } from '../../../shared/platform/ist';
import { alertBody, deferred, keyOf, SPOT, useCaseKit } from './use-case-kit';

const KEY = keyOf('key-1');

/** Every branch of the use case, on in-memory ports, in the order the story runs. */
describe('placeOrderFromAlert', () => {
  describe('refusals before any claim or broker call', () => {
    it('a wrong token is refused before the schema speaks, even on an otherwise invalid body', async () => {
      const k = useCaseKit();
      await expect(placeOrderFromAlert(k.deps, k.request({ token: 'wrong', nonsense: 1 }))).rejects.toBeInstanceOf(UnauthorizedError);
      expect(k.calls).toEqual([]);
    });

    it('a token that is not the remembered secret is compared with a fresh read before it is refused', async () => {
      const k = useCaseKit();
      const reads: string[] = [];
      // The source still remembers the secret from before a rotation; a fresh read has the new one.
      k.deps.secrets = {
        get: async (_name, opts) => {
          reads.push(opts?.fresh ? 'fresh' : 'remembered');
          return opts?.fresh ? 'rotated-secret-456' : 'old-secret-123';
        },
      };
      expect((await placeOrderFromAlert(k.deps, k.request(alertBody({ token: 'rotated-secret-456' })))).result.status).toBe('placed');
      expect(reads).toEqual(['remembered', 'fresh']);
      reads.length = 0;
      await expect(placeOrderFromAlert(k.deps, k.request(alertBody({ token: 'not-either', idempotency_key: 'key-2' })))).rejects.toBeInstanceOf(UnauthorizedError);
      expect(reads).toEqual(['remembered', 'fresh']);
      reads.length = 0;
      // The remembered value still matching costs no fresh read.
      await placeOrderFromAlert(k.deps, k.request(alertBody({ token: 'old-secret-123', idempotency_key: 'key-3' })));
      expect(reads).toEqual(['remembered']);
    });

    it('a missing token is left to the parser, which names the field', async () => {
      const k = useCaseKit();
      const e = await placeOrderFromAlert(k.deps, k.request({ ...alertBody(), token: undefined })).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(InvalidAlertError);
      expect((e as InvalidAlertError).details?.fields).toHaveProperty('token');
      expect(k.calls).toEqual([]);
    });

    it('the kill switch refuses before anything else happens', async () => {
      const k = useCaseKit({ controls: { tradingEnabled: false } });
      await expect(placeOrderFromAlert(k.deps, k.request(alertBody()))).rejects.toBeInstanceOf(TradingDisabledError);
      expect(k.calls).toEqual([]);
    });

    it('outside the trading window is refused', async () => {
      const k = useCaseKit();
      k.clock.set(istInstant('2026-12-01', 16, 0));
      await expect(placeOrderFromAlert(k.deps, k.request(alertBody()))).rejects.toBeInstanceOf(OutsideTradingWindowError);
      expect(k.calls).toEqual([]);
    });

    it('a broker that refuses everything right now (open breaker) refuses before the claim', async () => {
      const k = useCaseKit();
      k.deps.broker.assertAvailable = () => {
        throw new BrokerUnavailableError('breaker open');
      };
      await expect(placeOrderFromAlert(k.deps, k.request(alertBody()))).rejects.toThrow('breaker open');
      expect(k.calls).toEqual([]);
      expect(k.records.size).toBe(0);
    });

    it('an unknown strike, an over-size order and ATM on an underlying without a spot quote leave no claim', async () => {
      const k = useCaseKit();
      await expect(placeOrderFromAlert(k.deps, k.request(alertBody({ strikeprice: 24_510 })))).rejects.toBeInstanceOf(UnknownInstrumentError);
      await expect(placeOrderFromAlert(k.deps, k.request(alertBody({ qty: 11 })))).rejects.toBeInstanceOf(RiskRefusedError);
      // Not listed in the sample master: refused by name before a spot quote is even looked for.
      await expect(placeOrderFromAlert(k.deps, k.request(alertBody({ symbol: 'RELIANCE', strikeprice: 'ATM' })))).rejects.toBeInstanceOf(UnknownInstrumentError);
      await expect(placeOrderFromAlert(k.deps, k.request(alertBody({ strikeprice: 'ATM', expiry: '2031-01-01' })))).rejects.toBeInstanceOf(UnknownInstrumentError);
      expect(k.calls).toEqual([]);
      expect(k.records.size).toBe(0);
    });
  });

  describe('a named-strike MARKET alert', () => {
    it('spends one broker call, the order: the reply prices itself from a recent shared quote, asking for none', async () => {
      const k = useCaseKit();
      const asked: string[] = [];
      k.deps.recentQuote = (ticker) => (asked.push(ticker), 120);
      const outcome = await placeOrderFromAlert(k.deps, k.request(alertBody({ productType: 'BO', sl: 10, tp: 20 })));
      expect(k.calls.map((c) => c.op)).toEqual(['claim', 'place']);
      // BO is retired at Fyers: carried as INTRADAY with TP/SL legs at the same offsets, and tagged like any order.
      expect(k.places()[0]!.order).toMatchObject({ qty: 65, side: 'BUY', orderType: 'MARKET', productType: 'INTRADAY', stopLoss: 10, takeProfit: 20, legs: 'points', orderTag: expect.any(String) });
      expect(asked).toEqual([outcome.result.symbol]);
      expect(outcome).toMatchObject({ kind: 'placed', result: { status: 'placed', productType: 'INTRADAY', ltp: 120, stopLossPrice: 110, takeProfitPrice: 140, lots: 1, qty: 65 } });
      expect(outcome.result.notes).toEqual([expect.stringMatching(/^productType BO is retired at Fyers, so this order was sent as INTRADAY with TP\/SL legs/)]);
      expect(k.records.get(KEY)).toMatchObject({ status: 'placed' });
      expect(k.notes).toEqual([]);
    });

    it('leaves the LTP and the levels out of the reply when no recent quote is shared, still with one broker call', async () => {
      const k = useCaseKit();
      const outcome = await placeOrderFromAlert(k.deps, k.request(alertBody({ productType: 'BO', sl: 10, tp: 20 })));
      expect(k.calls.map((c) => c.op)).toEqual(['claim', 'place']);
      expect(outcome).toMatchObject({ kind: 'placed', result: { status: 'placed', lots: 1, qty: 65 } });
      expect(outcome.result.ltp).toBeUndefined();
      expect(outcome.result.stopLossPrice).toBeUndefined();
    });

    it('gives the pacer the caller deadline for its one rate-limit retry, and never retries or sleeps itself', async () => {
      const k = useCaseKit();
      k.script.place.push(new BrokerRateLimitedError('slow down', 1000));
      const req = k.request(alertBody());
      await expect(placeOrderFromAlert(k.deps, req)).rejects.toBeInstanceOf(BrokerRateLimitedError);
      expect(k.places()).toHaveLength(1);
      expect(k.places()[0]!.opts).toMatchObject({ notAfter: req.receivedAt + 30_000 - 3000, retryUntil: req.receivedAt + 2500 - 500 });
      expect(k.records.size).toBe(0); // released: certain nothing was sent
    });

    it('a failed quote does not turn a sent order into an error: placed, without a price', async () => {
      const k = useCaseKit();
      k.script.quoteError = new BrokerUnavailableError('quotes down');
      const outcome = await placeOrderFromAlert(k.deps, k.request(alertBody({ productType: 'CO', sl: 5 })));
      expect(outcome).toMatchObject({ kind: 'placed' });
      expect(outcome.result.ltp).toBeUndefined();
      expect(outcome.result.stopLossPrice).toBeUndefined();
    });

    it('a broker rejection is recorded and the operator warned', async () => {
      const k = useCaseKit();
      k.script.place.push({ status: 'rejected', code: -99, reason: 'margin' });
      const outcome = await placeOrderFromAlert(k.deps, k.request(alertBody()));
      expect(outcome).toMatchObject({ kind: 'rejected', result: { reason: 'margin', brokerCode: -99 } });
      expect(k.records.get(KEY)).toMatchObject({ status: 'rejected' });
      expect(k.notes.map((n) => [n.kind, n.severity])).toEqual([['order.rejected', 'warning']]);
    });

    it('a lost answer is looked up by tag: found means placed (recoveredBy), not found means unknown and a critical alarm', async () => {
      const k = useCaseKit();
      // Fyers took the order (the orderbook shows it under the claim's tag) but the answer was lost.
      k.script.place.push((o) => {
        k.script.orders.push({ orderId: 'X1', symbol: o.symbol, side: 'BUY', qty: 65, productType: 'INTRADAY', state: 'working', filledQty: 0, orderTag: o.orderTag });
        return { status: 'unknown', reason: 'timeout' };
      });
      await expect(placeOrderFromAlert(k.deps, k.request(alertBody()))).resolves.toMatchObject({ kind: 'placed', result: { orderId: 'X1', recoveredBy: 'orderbook-tag' } });

      const k2 = useCaseKit();
      k2.script.place.push({ status: 'unknown', reason: 'timeout' });
      await expect(placeOrderFromAlert(k2.deps, k2.request(alertBody()))).resolves.toMatchObject({ kind: 'unknown', result: { reason: 'timeout' } });
      expect(k2.notes.map((n) => [n.kind, n.severity])).toEqual([['order.unknown', 'critical']]);
      expect(k2.places()).toHaveLength(1);
    });

    it('a certain failure to send frees the claim and the daily-cap slot, and rethrows', async () => {
      const k = useCaseKit({ controls: { dailyOrderCap: 5 } });
      k.script.place.push(new SessionExpiredError('dead'));
      await expect(placeOrderFromAlert(k.deps, k.request(alertBody()))).rejects.toBeInstanceOf(SessionExpiredError);
      expect(k.records.size).toBe(0);
      expect(k.cap).toEqual({ used: 0, released: 1 });
    });

    it('a reached daily cap refuses without sending, and frees the claim', async () => {
      const k = useCaseKit({ controls: { dailyOrderCap: 0 } });
      await expect(placeOrderFromAlert(k.deps, k.request(alertBody()))).rejects.toBeInstanceOf(RiskRefusedError);
      expect(k.places()).toEqual([]);
      expect(k.records.size).toBe(0);
    });
  });

  describe('a LIMIT alert', () => {
    it('waits for the option quote before sending (where a price check belongs), and is refused with 503 without one', async () => {
      const k = useCaseKit();
      const gate = deferred<void>();
      k.script.quoteGate = gate.promise;
      const pending = placeOrderFromAlert(k.deps, k.request(alertBody({ orderType: 'LIMIT', price: 100, productType: 'CO', sl: 10 })));
      await new Promise((r) => setImmediate(r));
      expect(k.calls.map((c) => c.op)).toEqual(['quote', 'claim']); // claimed, but not sent before the price is known
      gate.resolve();
      const outcome = await pending;
      expect(k.calls.map((c) => c.op)).toEqual(['quote', 'claim', 'place']);
      expect(outcome.result).toMatchObject({ ltp: 120, stopLossPrice: 90 });

      const none = useCaseKit();
      none.script.ltp.set('none', 0);
      none.script.quoteError = new BrokerUnavailableError('quotes down');
      await expect(placeOrderFromAlert(none.deps, none.request(alertBody({ orderType: 'LIMIT', price: 100 })))).rejects.toBeInstanceOf(BrokerUnavailableError);
      expect(none.places()).toEqual([]);
      expect(none.records.size).toBe(0);
    });
  });

  describe('an ATM alert', () => {
    it('asks for the spot beside the claim, then sends: one round trip before the order', async () => {
      const k = useCaseKit();
      const gate = deferred<void>();
      k.script.claimGate = gate.promise;
      const pending = placeOrderFromAlert(k.deps, k.request(alertBody({ strikeprice: 'ATM' })));
      await new Promise((r) => setImmediate(r));
      expect(k.calls).toEqual([{ op: 'quote', tickers: [SPOT] }, { op: 'claim' }]); // both started, the claim not answered yet
      gate.resolve();
      const outcome = await pending;
      expect(outcome.result.symbol).toMatch(/NIFTY.*24500CE$/);
      // The spot and the order: the option's own price is never asked for a MARKET reply.
      expect(k.calls.map((c) => c.op)).toEqual(['quote', 'claim', 'place']);
    });

    it('tells the broker to get its session ready before the claim, so that read never waits behind it', async () => {
      const k = useCaseKit();
      const gate = deferred<void>();
      k.script.claimGate = gate.promise;
      const pending = placeOrderFromAlert(k.deps, k.request(alertBody()));
      await new Promise((r) => setImmediate(r));
      expect(k.calls).toEqual([{ op: 'claim' }]); // the claim not answered yet
      expect(k.prepares).toEqual([0]); // once, before the claim began
      gate.resolve();
      await pending;
      expect(k.prepares).toHaveLength(1);
    });

    it('a refused alert tells the broker nothing', async () => {
      const k = useCaseKit({ controls: { tradingEnabled: false } });
      await expect(placeOrderFromAlert(k.deps, k.request(alertBody()))).rejects.toBeInstanceOf(TradingDisabledError);
      expect(k.prepares).toEqual([]);
    });

    it('without a spot price refuses with 503 and frees the claim', async () => {
      const k = useCaseKit();
      k.script.ltp.delete(SPOT);
      await expect(placeOrderFromAlert(k.deps, k.request(alertBody({ strikeprice: 'ATM' })))).rejects.toBeInstanceOf(DependencyUnavailableError);
      expect(k.places()).toEqual([]);
      expect(k.records.size).toBe(0);
    });
  });

  describe('resends', () => {
    it('a resend of a finished alert is a duplicate with the stored result, at no broker call even for ATM', async () => {
      const k = useCaseKit();
      const first = await placeOrderFromAlert(k.deps, k.request(alertBody({ strikeprice: 'ATM' })));
      const before = k.brokerCalls().length;
      const again = await placeOrderFromAlert(k.deps, k.request(alertBody({ strikeprice: 'ATM' })));
      expect(again).toEqual({ kind: 'duplicate', result: first.result });
      expect(k.brokerCalls()).toHaveLength(before);
    });

    it('a copy arriving while the first is still running gets in-flight (409), at no broker call', async () => {
      const k = useCaseKit();
      const gate = deferred<void>();
      k.script.quoteGate = gate.promise;
      k.script.place.push({ status: 'placed', orderId: 'SLOW' });
      const first = placeOrderFromAlert(k.deps, k.request(alertBody({ orderType: 'LIMIT', price: 100 })));
      await new Promise((r) => setImmediate(r));
      const before = k.brokerCalls().length;
      await expect(placeOrderFromAlert(k.deps, k.request(alertBody({ orderType: 'LIMIT', price: 100 })))).rejects.toBeInstanceOf(InFlightError);
      expect(k.brokerCalls()).toHaveLength(before);
      gate.resolve();
      await expect(first).resolves.toMatchObject({ kind: 'placed' });
    });

    it('a completed record without a stored result is refused as unavailable rather than replayed empty', async () => {
      const k = useCaseKit();
      await placeOrderFromAlert(k.deps, k.request(alertBody()));
      delete k.records.get(KEY)!.result;
      await expect(placeOrderFromAlert(k.deps, k.request(alertBody()))).rejects.toBeInstanceOf(DependencyUnavailableError);
    });
  });

  describe('recovery of an earlier attempt', () => {
    /** Leaves a claim behind as a crashed owner would, then lets its lease lapse. */
    async function abandoned(k: ReturnType<typeof useCaseKit>, status: 'pending' | 'unknown', body = alertBody()) {
      k.script.place.push({ status: 'unknown', reason: 'lost' });
      await placeOrderFromAlert(k.deps, k.request(body));
      const rec = k.records.get(KEY)!;
      k.records.set(KEY, { ...rec, status, leaseUntil: k.clock() - 1 });
      k.calls.splice(0);
      k.notes.splice(0);
      return rec;
    }

    it('finds the order by its tag and reports it placed, without sending again', async () => {
      const k = useCaseKit();
      const rec = await abandoned(k, 'pending');
      k.script.orders.push({ orderId: 'OLD', symbol: rec.result!.symbol, side: 'BUY', qty: 65, productType: 'INTRADAY', state: 'filled', filledQty: 65, orderTag: rec.orderTag });
      const outcome = await placeOrderFromAlert(k.deps, k.request(alertBody()));
      expect(outcome).toMatchObject({ kind: 'placed', result: { orderId: 'OLD', recoveredBy: 'orderbook-tag' } });
      expect(k.places()).toEqual([]);
      expect(k.notes.map((n) => n.kind)).toEqual(['order.recovered']);
    });

    it.each(['cancelled', 'expired', 'rejected'] as const)('a found order that is %s is not reported as placed, and is not re-sent', async (state) => {
      const k = useCaseKit();
      const rec = await abandoned(k, 'pending');
      k.script.orders.push({ orderId: 'OLD', symbol: rec.result!.symbol, side: 'BUY', qty: 65, productType: 'INTRADAY', state, filledQty: 0, orderTag: rec.orderTag });
      const outcome = await placeOrderFromAlert(k.deps, k.request(alertBody()));
      expect(outcome.kind).toBe('rejected');
      expect(outcome.result.reason).toMatch(state === 'rejected' ? /rejected/ : new RegExp(state));
      expect(k.places()).toEqual([]);
      expect(k.records.get(KEY)).toMatchObject({ status: 'rejected' });
    });

    it('an unknown outcome still not in the orderbook stays unknown (never re-sent) and alarms', async () => {
      const k = useCaseKit();
      await abandoned(k, 'unknown');
      const outcome = await placeOrderFromAlert(k.deps, k.request(alertBody()));
      expect(outcome.kind).toBe('unknown');
      expect(k.places()).toEqual([]);
      expect(k.notes.map((n) => [n.kind, n.severity])).toEqual([['order.unknown', 'critical']]);
    });

    it('an interrupted CO alert is recovered by tag like any order (CO is carried as a tagged INTRADAY order): placed now, once', async () => {
      const k = useCaseKit();
      await abandoned(k, 'pending', alertBody({ productType: 'CO', sl: 5 }));
      const outcome = await placeOrderFromAlert(k.deps, k.request(alertBody({ productType: 'CO', sl: 5 })));
      expect(outcome.kind).toBe('placed');
      expect(k.places()).toHaveLength(1);
      expect(k.places()[0]!.order).toMatchObject({ productType: 'INTRADAY', stopLoss: 5, orderTag: expect.any(String) });
    });

    it('a dead owner whose tag shows nothing never sent: the order is placed now, once', async () => {
      const k = useCaseKit();
      await abandoned(k, 'pending');
      const outcome = await placeOrderFromAlert(k.deps, k.request(alertBody()));
      expect(outcome.kind).toBe('placed');
      expect(k.places()).toHaveLength(1);
    });

    it('an orderbook that cannot be read refuses with 503 and puts the claim back as it was', async () => {
      const k = useCaseKit();
      await abandoned(k, 'unknown');
      k.script.ordersError = new BrokerUnavailableError('orderbook down');
      await expect(placeOrderFromAlert(k.deps, k.request(alertBody()))).rejects.toBeInstanceOf(BrokerUnavailableError);
      expect(k.places()).toEqual([]);
      expect(k.records.get(KEY)).toMatchObject({ status: 'unknown', leaseUntil: 0 });
    });
  });

  describe('reduce-only', () => {
    it('caps a close at the position minus closing orders still working, and never flips it', async () => {
      const k = useCaseKit();
      const ticker = (await placeOrderFromAlert(k.deps, k.request(alertBody({ idempotency_key: 'open' })))).result.symbol;
      k.script.positions = [{ symbol: ticker, productType: 'INTRADAY', netQty: 65 * 3 }];
      k.script.orders = [{ orderId: 'W', symbol: ticker, side: 'SELL', qty: 130, filledQty: 65, productType: 'INTRADAY', state: 'partially_filled' }];
      const close = await placeOrderFromAlert(k.deps, k.request(alertBody({ action: 'SELL', intent: 'close', qty: 5, idempotency_key: 'close' })));
      // 3 lots held, 1 lot of the working close still to fill: 2 lots may close.
      expect(close.result).toMatchObject({ status: 'placed', lots: 2, qty: 130 });
    });

    it("never counts the bridge's own managed exits as someone else's close", async () => {
      const k = useCaseKit();
      const ticker = (await placeOrderFromAlert(k.deps, k.request(alertBody({ idempotency_key: 'open' })))).result.symbol;
      k.script.positions = [{ symbol: ticker, productType: 'INTRADAY', netQty: 65 }];
      k.script.orders = [
        { orderId: 'STOP', symbol: ticker, side: 'SELL', qty: 65, filledQty: 0, productType: 'INTRADAY', state: 'working', orderTag: managedExitTag('E1', 'S') },
        { orderId: 'TGT', symbol: ticker, side: 'SELL', qty: 65, filledQty: 0, productType: 'INTRADAY', state: 'working', orderTag: managedExitTag('E1', 'T') },
      ];
      const close = await placeOrderFromAlert(k.deps, k.request(alertBody({ action: 'SELL', intent: 'close', qty: 1, idempotency_key: 'close' })));
      expect(close.result).toMatchObject({ status: 'placed', lots: 1, qty: 65 });
    });

    it('a second close of the same contract while the first settles is refused with 503, nothing sent', async () => {
      const k = useCaseKit();
      k.script.positions = [];
      const ticker = k.index.find('NSE', 'NIFTY', k.index.optionExpiries('NSE', 'NIFTY', k.clock())[0]!, 24500, 'CE')!.ticker;
      k.script.positions = [{ symbol: ticker, productType: 'INTRADAY', netQty: -650 }];
      await placeOrderFromAlert(k.deps, k.request(alertBody({ intent: 'close', idempotency_key: 'c1' })));
      const placedBefore = k.places().length;
      await expect(placeOrderFromAlert(k.deps, k.request(alertBody({ intent: 'close', idempotency_key: 'c2' })))).rejects.toBeInstanceOf(DependencyUnavailableError);
      expect(k.places()).toHaveLength(placedBefore);
      expect(k.records.has(keyOf('c2'))).toBe(false);
    });

    it('a close still queued for its send keeps the contract held past the settle time, so a second close cannot size the same position', async () => {
      const k = useCaseKit();
      const ticker = k.index.find('NSE', 'NIFTY', k.index.optionExpiries('NSE', 'NIFTY', k.clock())[0]!, 24500, 'CE')!.ticker;
      k.script.positions = [{ symbol: ticker, productType: 'INTRADAY', netQty: -650 }];
      // The first close waits in the pacer (behind a burst) for longer than the 4 s settle time.
      const queued = deferred<void>();
      const place = k.deps.broker.placeOrder.bind(k.deps.broker);
      k.deps.broker.placeOrder = async (o, opts) => {
        await queued.promise;
        return place(o, opts);
      };
      const first = placeOrderFromAlert(k.deps, k.request(alertBody({ intent: 'close', qty: 10, idempotency_key: 'c1' })));
      await new Promise((r) => setImmediate(r));
      k.clock.advance(6_000);
      await expect(placeOrderFromAlert(k.deps, k.request(alertBody({ intent: 'close', qty: 10, idempotency_key: 'c2' })))).rejects.toBeInstanceOf(DependencyUnavailableError);
      queued.resolve();
      expect((await first).result).toMatchObject({ status: 'placed', lots: 10 });
      expect(k.places()).toHaveLength(1);
      // Once sent, the hold shrinks to the settle time from the send.
      expect(k.leases.get(`reduce-only:${ticker}:INTRADAY`)!.until).toBe(k.clock() + 4_000);
    });

    it('a close that certainly never left frees the contract at once', async () => {
      const k = useCaseKit();
      const ticker = k.index.find('NSE', 'NIFTY', k.index.optionExpiries('NSE', 'NIFTY', k.clock())[0]!, 24500, 'CE')!.ticker;
      k.script.positions = [{ symbol: ticker, productType: 'INTRADAY', netQty: -650 }];
      k.script.place.push(new BrokerRateLimitedError('slow down', 1000));
      await expect(placeOrderFromAlert(k.deps, k.request(alertBody({ intent: 'close', idempotency_key: 'c1' })))).rejects.toBeInstanceOf(BrokerRateLimitedError);
      expect(k.leases.has(`reduce-only:${ticker}:INTRADAY`)).toBe(false);
    });
  });

  describe('the kill switch after the claim', () => {
    it('an order still queued when the kill switch goes on never leaves, and its claim is freed', async () => {
      const k = useCaseKit();
      const place = k.deps.broker.placeOrder.bind(k.deps.broker);
      let gateRefused = false;
      k.deps.broker.placeOrder = async (o, opts) => {
        // As the pacer does: the switch is flipped while the order waits, then the gate runs at its turn.
        k.controls.tradingEnabled = false;
        try {
          await opts?.beforeSend?.();
        } catch (e) {
          gateRefused = true;
          throw e;
        }
        return place(o, opts);
      };
      await expect(placeOrderFromAlert(k.deps, k.request(alertBody({ idempotency_key: 'k1' })))).rejects.toBeInstanceOf(TradingDisabledError);
      expect(gateRefused).toBe(true);
      expect(k.places()).toHaveLength(0);
      expect(k.records.has(keyOf('k1'))).toBe(false);
    });

    it('a kill switch set between the first read and the send refuses before the broker is called', async () => {
      const k = useCaseKit();
      let reads = 0;
      k.deps.controls = async () => ({ ...k.controls, tradingEnabled: reads++ === 0 });
      await expect(placeOrderFromAlert(k.deps, k.request(alertBody({ idempotency_key: 'k2' })))).rejects.toBeInstanceOf(TradingDisabledError);
      expect(k.places()).toHaveLength(0);
    });
  });
});
