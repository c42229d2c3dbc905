import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppDeps } from '../../functions/composition';
import { handleOrderUpdate } from '../../functions/order-updates/order-updates.handler';
import { handleWebhook } from '../../functions/webhook/webhook.handler';
import type { FakeFyers } from '../fake-fyers';
import { followablePostbacks } from './postback-follow';
import { WEBHOOK_SECRET, waitFor } from './webhook-e2e-kit';

export const POSTBACK_SECRET = 'trader-day-postback-secret-4f1c9a';
/** The token in the postback URL the operator pastes into Fyers' dashboard (FYERS_POSTBACK_TOKEN). */
export const POSTBACK_TOKEN = 'trader-day-url-token-7d3e9b1c5a2f8e4d';

export interface PostbackReceiver {
  server: Server;
  /** The orderUpdates deps the server uses: their follow-ups are the ones `followed` waits for. */
  deps: AppDeps['orderUpdates'];
  /** Resolves once every postback answered so far has been followed (the answer does not wait for that). */
  followed(): Promise<void>;
  /** Stops the fake's postbacks, waits for those in flight to be followed, and closes the server. */
  close(): Promise<void>;
}

/**
 * Serves the bridge's orderUpdates on 127.0.0.1 and points the fake's postbacks at it. Each postback is
 * answered at once, as in production; closing waits for the work it started (the test must not close
 * the stores under work still running).
 */
export async function wirePostbacks(fake: FakeFyers, deps: AppDeps): Promise<PostbackReceiver> {
  const inFlight = new Set<Promise<unknown>>();
  const follow = followablePostbacks(deps.orderUpdates);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const work = handleOrderUpdate(follow.deps, { method: req.method ?? '', url: req.url, rawBody: Buffer.concat(chunks), headers: req.headers }).then((reply) => {
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
      });
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.lifecycle.setPostbacks({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/orderUpdates/${POSTBACK_TOKEN}`, secret: POSTBACK_SECRET });
  return {
    server,
    deps: follow.deps,
    followed: follow.followed,
    close: async () => {
      fake.lifecycle.setPostbacks(undefined);
      await fake.lifecycle.settled();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await follow.followed();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

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
  /** Orders at the fake without a record of their own at the bridge. */
  unrecorded: string[];
  /** Records without any event in the outbox or published. */
  statuses: number[];
}

/**
 * A trader's day on one strategy, as TradingView and Fyers would drive it: a long with a stop and a
 * target whose MARKET order rests (MPP); Fyers' fill postback arms the exits; a reversal withdraws
 * them, closes the call and opens a protected put; flat withdraws and closes. The fake's postbacks go
 * to the bridge's orderUpdates handler, as in production.
 */
export async function runTraderDay(fake: FakeFyers, deps: AppDeps, call: string, put: string, key: string): Promise<DayReport> {
  const send = async (body: Record<string, unknown>) => {
    const r = await handleWebhook(deps.webhook, { method: 'POST', rawBody: Buffer.from(JSON.stringify({ token: WEBHOOK_SECRET, symbol: 'NIFTY', strategy: 'day', ...body })), headers: {}, sourceIp: '127.0.0.1' });
    return r.status;
  };
  const statuses: number[] = [];
  fake.restMarketOrders(true);
  statuses.push(await send({ position: 'long', qty: 1, sl: 10, tp: 20, idempotency_key: `${key}-1` }));
  const afterEntry = pending(fake);
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
  const net = { callAfterReversal: netOf(fake, call), putAfterReversal: netOf(fake, put), callAtEnd: 0, putAtEnd: 0 };

  statuses.push(await send({ position: 'flat', idempotency_key: `${key}-3` }));
  await fake.lifecycle.settled();
  const afterFlat = pending(fake);
  net.callAtEnd = netOf(fake, call);
  net.putAtEnd = netOf(fake, put);

  const unrecorded: string[] = [];
  for (const o of fake.state.orders) if (!(await deps.adapters.orderRecords.get(o.id))) unrecorded.push(`${o.id} ${TYPE[o.type]} ${o.symbol}`);
  return { afterEntry, afterFill, afterReversal, afterFlat, net, unrecorded, statuses };
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
  expect(r.unrecorded).toEqual([]);
}
