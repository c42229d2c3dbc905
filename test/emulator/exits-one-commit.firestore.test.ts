/**
 * A fill's way to its exits on the Firestore emulator: the fill's state change, the exits' claim and
 * both legs' intents are one transaction on the entry's record; the legs then leave together; no two
 * transactions touch the entry at once (two of them clashed and one came back ABORTED, costing the
 * client's retry delay); and the postback is answered once the change is committed, without waiting
 * for the exits.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { startFakeFyers, type FakeFyers } from '../fake-fyers';
import type { OrderExecutor } from '../../shared/orders/execute/execute-plan';
import { recordAccepted } from '../../shared/orders/lifecycle/order-tracker';
import type { OrderRecord } from '../../shared/orders/lifecycle/order-record';
import { requireEmulators, uniquePrefix } from './helpers/emulator-env';
import { orderEventsSink, waitUntil } from './helpers/order-events-sink';
import { buildLifecycle, servePostbacks, type BuiltLifecycle } from './workers/lifecycle-deps';

jest.setTimeout(120_000);
const TICKER = 'NSE:NIFTY2672124400CE';
const SECRET = 'postback-secret-for-tests';

let fake: FakeFyers | undefined;
let life: BuiltLifecycle | undefined;
let server: Server | undefined;
let sink: Awaited<ReturnType<typeof orderEventsSink>> | undefined;

let openGate: (() => void) | undefined;

afterEach(async () => {
  openGate?.();
  await fake?.lifecycle.settled();
  await fake?.close();
  await new Promise((r) => server?.close(r));
  await life?.close();
  await sink?.close();
});

/** Every transaction on a record: when it began and ended (a step count) and what it wrote. */
interface Mutation {
  id: string;
  began: number;
  ended?: number;
  /** What it wrote on the entry's exits (legs' statuses and the claim), when it wrote a record. */
  wrote?: { state: string; claim: boolean; stop?: string; target?: string };
}

it('commits the fill, the claim and both intents in one transaction, sends both legs, and answers the postback before they leave', async () => {
  const { projectId } = requireEmulators();
  sink = await orderEventsSink(projectId, randomBytes(4).toString('hex'));
  fake = await startFakeFyers({ ltp: { [TICKER]: 150 }, planFor: (o) => (o.orderTag === '1:entry1' ? { fills: [{ afterMs: 200, price: 150 }] } : undefined) });
  const token = fake.issueAccessToken();
  life = buildLifecycle({ prefix: uniquePrefix('onecommit'), projectId, apiUrl: fake.apiUrl, appId: fake.state.appId, token, topic: sink.topic, instanceId: 'test' });
  const deps = life.deps;

  // Count transactions per record and how many overlap on one record.
  const mutations: Mutation[] = [];
  let step = 0;
  const store = deps.records;
  deps.records = {
    ...store,
    get: (id) => store.get(id),
    async mutate(id, decide) {
      const entry: Mutation = { id, began: (step += 1) };
      mutations.push(entry);
      try {
        return await store.mutate(id, (cur) => {
          const m = decide(cur);
          const r = m.record as OrderRecord | undefined;
          entry.wrote = r ? { state: r.state, claim: Boolean(r.exits?.claim), stop: r.exits?.stop?.status, target: r.exits?.target?.status } : undefined;
          return m;
        });
      } finally {
        entry.ended = step += 1;
      }
    },
  };
  // The exits wait at a gate, so the test sees what was committed before any of them left.
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  openGate = open;
  const executor = deps.executor!;
  let legsAtGate = 0;
  const gated: OrderExecutor = {
    ...executor,
    run: async (plan) => {
      legsAtGate += 1;
      await gate;
      return executor.run(plan);
    },
  };
  deps.executor = gated;
  let answers: number[];
  ({ server, answers } = await (async () => {
    const s = await servePostbacks(deps, SECRET);
    fake.lifecycle.setPostbacks({ url: s.url, secret: SECRET, signing: 'hmac' });
    return s;
  })());

  const res = await fetch(`${fake.apiUrl}/orders/sync`, {
    method: 'POST',
    headers: { authorization: `${fake.state.appId}:${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ symbol: TICKER, qty: 130, type: 2, side: 1, productType: 'INTRADAY', limitPrice: 0, stopPrice: 0, validity: 'DAY', orderTag: 'entry1' }),
  });
  const orderId = ((await res.json()) as { id: string }).id;
  const entryId = await recordAccepted(deps, {
    status: 'placed', orderId, orderTag: 'entry1', requestId: 'req-1', symbol: TICKER, side: 'BUY', qty: 130, productType: 'INTRADAY', orderType: 'MARKET',
    exits: { slPoints: 10, tpPoints: 20, tickSize: 0.05 },
  }, { publishNow: false });

  // The fill's postback is answered while both legs still wait at the gate: the answer did not wait for them.
  await waitUntil(() => legsAtGate === 2 && answers.includes(200), 30_000, 'the fill answered with both legs waiting');
  expect(fake.state.orders.filter((o) => o.orderTag.startsWith('1:X'))).toHaveLength(0);

  // Before any leg left, the entry saw exactly one write after its creation: the fill, with the claim and
  // both intents. (The fake's earlier 'accepted' postback may run a transaction that changes nothing.)
  const writes = () => mutations.filter((m) => m.id === entryId && m.wrote !== undefined);
  const onEntry = writes();
  expect(onEntry).toHaveLength(1);
  expect(onEntry[0]!.wrote).toEqual({ state: 'filled', claim: true, stop: 'unknown', target: 'unknown' });

  open();
  await waitUntil(() => fake!.state.orders.filter((o) => o.orderTag.startsWith('1:X')).length === 2, 30_000, 'both legs at the fake');
  await waitUntil(async () => (await store.get(entryId))?.exits?.claim === undefined && (await store.get(entryId))?.exits?.stop?.status === 'placed', 30_000, 'the claim released');
  const final = (await store.get(entryId))!;
  expect(final.exits).toMatchObject({ stop: { status: 'placed' }, target: { status: 'placed' } });
  // One fill, two writes on the entry in all (fill+claim+intents, then the release), one after the other.
  const [fill, release] = writes();
  expect(writes()).toHaveLength(2);
  expect(release!.wrote).toMatchObject({ claim: false, stop: 'placed', target: 'placed' });
  expect(fill!.ended).toBeLessThan(release!.began);
});
