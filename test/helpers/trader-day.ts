import type { AppDeps } from '../../functions/composition';
import { handleWebhook } from '../../functions/webhook/webhook.handler';
import type { FakeFyers } from '../fake-fyers';
import { WEBHOOK_SECRET, waitFor } from './webhook-e2e-kit';

const TYPE: Record<number, string> = { 1: 'LIMIT', 2: 'MARKET', 3: 'SL-M', 4: 'SL-L' };
const pending = (fake: FakeFyers) => fake.state.orders.filter((o) => o.status === 6).map((o) => `${o.side === 1 ? 'BUY' : 'SELL'} ${TYPE[o.type]} ${o.symbol} ${o.qty}`).sort();
const netOf = (fake: FakeFyers, ticker: string) => [...fake.state.positions.values()].filter((p) => p.symbol === ticker).reduce((s, p) => s + p.netQty, 0);

export interface DayReport {
  /** What was working at the fake after each step, as `SIDE TYPE ticker qty`. */
  afterEntry: string[];
  afterFill: string[];
  afterReversal: string[];
  afterFlat: string[];
  net: { callAfterReversal: number; putAfterReversal: number; callAtEnd: number; putAtEnd: number };
  /** The strategy's book after each step, as `SIDE ticker qty` for legs and `pending INTENT ticker booked` for orders. */
  book: { afterEntry: string[]; afterReversal: string[]; atEnd: string[] };
  /** Orders at the fake without a record of their own at the bridge. */
  unrecorded: string[];
  /** Records without any event in the outbox or published. */
  statuses: number[];
  /** The paper strategy that took the same signals beside the live one, when the day had one. */
  paper?: { statuses: number[]; afterFill: string[]; afterReversal: string[]; afterFlat: string[]; heldAtEnd: number };
}

/** The paper strategy that shadows the day's signals (it must be in PAPER_STRATEGIES). */
export const SHADOW_STRATEGY = 'day-paper';

/**
 * A trader's day on one strategy, as TradingView and Fyers would drive it: a long with a stop and a
 * target whose MARKET order rests (MPP); Fyers' fill postback arms the exits; a reversal withdraws
 * them, closes the call and opens a protected put; flat withdraws and closes. The fake's postbacks go
 * to the bridge's orderUpdates handler, as in production. With `shadow`, a paper strategy takes every
 * signal too, right after the live one: the live expectations stay exact only if nothing of it leaks.
 */
export async function runTraderDay(fake: FakeFyers, deps: AppDeps, call: string, put: string, key: string, opts: { shadow?: boolean } = {}): Promise<DayReport> {
  const post = async (strategy: string, body: Record<string, unknown>) => {
    const r = await handleWebhook(deps.webhook, { method: 'POST', rawBody: Buffer.from(JSON.stringify({ token: WEBHOOK_SECRET, symbol: 'NIFTY', strategy, ...body })), headers: {}, sourceIp: '127.0.0.1' });
    return r.status;
  };
  const paperStatuses: number[] = [];
  const send = async (body: Record<string, unknown>) => {
    const status = await post('day', body);
    if (opts.shadow) paperStatuses.push(await post(SHADOW_STRATEGY, { ...body, idempotency_key: `${body.idempotency_key as string}-paper` }));
    return status;
  };
  const paperBook = deps.webhook.forwardTest?.broker;
  const paperPending = async () => (paperBook ? (await paperBook.findOrders({})).filter((o) => o.state === 'working').map((o) => `${o.side} ${o.symbol} ${o.qty}`).sort() : []);
  const statuses: number[] = [];
  const bookNow = async () => {
    const h = await deps.adapters.holdings.get('day', 'NIFTY');
    return [...(h?.legs ?? []).map((l) => `${l.side} ${l.ticker} ${l.qty}`), ...(h?.pending ?? []).map((p) => `pending ${p.intent} ${p.leg.ticker} ${p.booked}`)].sort();
  };
  const book = { afterEntry: [] as string[], afterReversal: [] as string[], atEnd: [] as string[] };
  fake.restMarketOrders(true);
  statuses.push(await send({ position: 'long', qty: 1, sl: 10, tp: 20, idempotency_key: `${key}-1` }));
  const afterEntry = pending(fake);
  book.afterEntry = await bookNow();
  // On paper the entry fills at once at the live price, so its stop and target are working already.
  const paperAfterFill = opts.shadow ? await paperPending() : [];
  const entry = fake.state.orders.find((o) => o.symbol === call && o.type === 2)!;
  fake.restMarketOrders(false);
  // Fyers fills the resting order and posts the change; the bridge's postback handler takes it from there.
  fake.lifecycle.fillNow(entry.id, entry.qty, 150);
  await waitFor(() => pending(fake).length === 2, 20_000, 'both exits after the fill postback');
  await fake.lifecycle.settled();
  const afterFill = pending(fake);

  statuses.push(await send({ position: 'short', qty: 1, sl: 8, tp: 16, idempotency_key: `${key}-2` }));
  await waitFor(() => pending(fake).filter((o) => o.includes(put)).length === 2, 20_000, 'the put protected');
  const afterReversal = pending(fake);
  book.afterReversal = await bookNow();
  const paperAfterReversal = opts.shadow ? await paperPending() : [];
  const net = { callAfterReversal: netOf(fake, call), putAfterReversal: netOf(fake, put), callAtEnd: 0, putAtEnd: 0 };

  statuses.push(await send({ position: 'flat', idempotency_key: `${key}-3` }));
  await fake.lifecycle.settled();
  const afterFlat = pending(fake);
  const paperAfterFlat = opts.shadow ? await paperPending() : [];
  book.atEnd = await bookNow();
  net.callAtEnd = netOf(fake, call);
  net.putAtEnd = netOf(fake, put);

  const unrecorded: string[] = [];
  for (const o of fake.state.orders) if (!(await deps.adapters.orderRecords.get(o.id))) unrecorded.push(`${o.id} ${TYPE[o.type]} ${o.symbol}`);
  const paper = opts.shadow
    ? { statuses: paperStatuses, afterFill: paperAfterFill, afterReversal: paperAfterReversal, afterFlat: paperAfterFlat, heldAtEnd: (await deps.adapters.forwardTest.holdings.list({ strategy: SHADOW_STRATEGY })).length }
    : undefined;
  return { afterEntry, afterFill, afterReversal, afterFlat, net, book, unrecorded, statuses, ...(paper ? { paper } : {}) };
}

/** The paper strategy's side of the same day: every step on the paper book, nothing at the fake. */
export function expectCleanPaperDay(r: DayReport, call: string, put: string): void {
  expect(r.paper).toEqual({
    statuses: [200, 200, 200],
    afterFill: [`SELL ${call} 65`, `SELL ${call} 65`],
    afterReversal: [`SELL ${put} 65`, `SELL ${put} 65`],
    afterFlat: [],
    heldAtEnd: 0,
  });
}

/** What a correct day looks like, for both the local store and the Firestore emulator. */
export function expectCleanDay(r: DayReport, call: string, put: string): void {
  expect(r.statuses).toEqual([200, 200, 200]);
  // Accepted is not filled: while the entry rests there is nothing to protect yet.
  expect(r.afterEntry).toEqual([`BUY MARKET ${call} 65`]);
  expect(r.afterFill).toEqual([`SELL LIMIT ${call} 65`, `SELL SL-L ${call} 65`]);
  expect(r.afterReversal).toEqual([`SELL LIMIT ${put} 65`, `SELL SL-L ${put} 65`]);
  expect(r.net).toEqual({ callAfterReversal: 0, putAfterReversal: 65, callAtEnd: 0, putAtEnd: 0 });
  expect(r.afterFlat).toEqual([]);
  // The book holds what filled: nothing while the entry rests (it is pending), the put after the
  // reversal (the entry's fill settled on the way), nothing at the end.
  expect(r.book).toEqual({ afterEntry: [`pending open ${call} 0`], afterReversal: [`BUY ${put} 65`], atEnd: [] });
  expect(r.unrecorded).toEqual([]);
}
