import type { AppDeps } from '../../functions/composition';
import { handleWebhook } from '../../functions/webhook/webhook.handler';
import { istParts } from '../../shared/platform/ist';
import type { FakeFyers } from '../fake-fyers';
import { IN_WINDOW, WEBHOOK_SECRET, startSampleBridge, waitFor, type SampleBridge } from '../helpers/webhook-e2e-kit';

/**
 * Speed where a trader feels it: a strategy signal waits on fewer store round trips. Its outcome goes
 * in the same commit as its audit entry (as a single order's does), the book's locks are let go beside
 * that commit, a position signal reads its book once (under the lock), and that read runs beside the
 * broker's positions read instead of before it. Counted at the ports; no clock is read.
 */
jest.setTimeout(30_000);

let bridge: SampleBridge;
let deps: AppDeps;
let fake: FakeFyers;

beforeEach(async () => {
  bridge = await startSampleBridge({ label: 'strategy-writes', env: { LIMIT_PRICE_BAND_PERCENT: '100' } });
  ({ deps, fake } = bridge);
});
afterEach(() => bridge.close());

/** Every call to the named methods, in order, and how many began while no other counted call was running. */
function countCalls(ports: Record<string, { obj: object; names: string[] }>) {
  const calls: string[] = [];
  let inFlight = 0;
  let sequential = 0;
  for (const [label, { obj, names }] of Object.entries(ports)) {
    const o = obj as Record<string, (...a: unknown[]) => unknown>;
    for (const name of names) {
      const original = o[name]!;
      o[name] = (...args: unknown[]) => {
        calls.push(`${label}.${name}`);
        if (inFlight === 0) sequential += 1;
        inFlight += 1;
        return Promise.resolve(original.apply(obj, args)).finally(() => (inFlight -= 1));
      };
    }
  }
  return { calls, sequential: () => sequential };
}

/** Holds every call of `obj[name]` open until the returned function is called (a store call kept waiting). */
function holdOpen<O extends object>(obj: O, name: keyof O & string): () => void {
  const o = obj as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = o[name]!.bind(obj);
  let letGo!: () => void;
  const held = new Promise<void>((resolve) => (letGo = resolve));
  o[name] = async (...args) => {
    await held;
    return original(...args);
  };
  return letGo;
}

const signal = (body: Record<string, unknown>) =>
  handleWebhook(deps.webhook, {
    method: 'POST',
    rawBody: Buffer.from(JSON.stringify({ token: WEBHOOK_SECRET, symbol: 'NIFTY', strikeprice: 24500, strategy: 'writes', qty: 1, ...body })),
    headers: {},
    sourceIp: '127.0.0.1',
  });

it('a strategy signal\'s outcome and audit entry are one commit, its locks let go beside it; the book is read once', async () => {
  const w = deps.webhook;
  // The lock's release is held open: the commit must start anyway, and the answer wait for both.
  const letGo = holdOpen(w.leases, 'release');
  const seen = countCalls({
    // complete and record are left out: the local store's commit is made of them (composed-alert-commit.ts).
    claims: { obj: w.idempotency, names: ['claim', 'release'] },
    commit: { obj: w.alertCommit, names: ['commit'] },
    holdings: { obj: w.holdings, names: ['get', 'list', 'apply'] },
    leases: { obj: w.leases, names: ['tryAcquire', 'release'] },
  });
  const commits: Array<Parameters<typeof w.alertCommit.commit>[0]> = [];
  const commit = w.alertCommit.commit.bind(w.alertCommit);
  w.alertCommit.commit = (c) => (commits.push(c), commit(c));

  let answered = false;
  const answer = signal({ position: 'long', sl: 20, idempotency_key: 'sw-1' }).finally(() => (answered = true));
  await waitFor(() => commits.length === 1, 10_000, 'the commit, while the release is held');
  expect(answered).toBe(false);
  letGo();
  expect((await answer).status).toBe(200);
  expect(seen.calls).toEqual(['claims.claim', 'leases.tryAcquire', 'holdings.get', 'holdings.apply', 'leases.release', 'commit.commit']);
  const key = commits[0]!.completion!.key;
  expect(commits[0]).toMatchObject({ completion: { result: { status: 'placed', strategy: 'writes' } }, audit: { status: 'placed', idempotencyKey: key } });
  // Claim, lock, book, booking, then the release and the commit side by side.
  expect(seen.sequential()).toBe(5);

  // What the commit wrote is what a resend and the operator read.
  expect(await deps.adapters.idempotency.get(key)).toMatchObject({ status: 'placed', result: { strategy: 'writes' } });
  expect((await deps.adapters.audit.list({ day: istParts(IN_WINDOW).date })).map((e) => e.idempotencyKey)).toContain(key);
  expect((await signal({ position: 'long', sl: 20, idempotency_key: 'sw-1' })).body).toMatchObject({ status: 'duplicate' });
  // The lock was let go: the strategy's next signal goes through at once.
  expect((await signal({ position: 'flat', idempotency_key: 'sw-2' })).status).toBe(200);
  expect(fake.state.orders.map((o) => o.side)).toEqual([1, -1]);
});

it('the book under the lock and the broker\'s positions are read at once, not one after the other', async () => {
  const releaseBook = holdOpen(deps.webhook.holdings, 'get');
  const positionsRead = () => fake.state.requests.some((q) => q.route === 'positions');
  const answer = signal({ position: 'long', idempotency_key: 'sw-3' });
  // The book's read is held open: the positions read must not wait for it.
  await waitFor(positionsRead, 10_000, 'the positions read while the book read is still open');
  releaseBook();
  expect((await answer).status).toBe(200);
  expect(fake.state.orders).toHaveLength(1);
});

it('an order the plan just recorded is moved by the orderbook\'s answer without looking its record up', async () => {
  const seen = countCalls({ records: { obj: deps.adapters.orderRecords, names: ['create', 'get', 'mutate'] } });
  expect((await signal({ position: 'long', idempotency_key: 'sw-4' })).status).toBe(200);
  expect(seen.calls).toEqual(['records.create', 'records.mutate']);
  expect((await deps.adapters.orderRecords.get(fake.state.orders[0]!.id))?.state).toBe('filled');
});

it('the orderbook read that confirms a sent order goes out while its record is written, and moves it once written', async () => {
  const records = deps.adapters.orderRecords;
  const letGo = holdOpen(records, 'create');
  const answer = signal({ position: 'long', idempotency_key: 'sw-5' });
  await waitFor(() => fake.state.requests.some((q) => q.route === 'orderbook'), 10_000, 'the orderbook read while the record write is held');
  letGo();
  expect((await answer).status).toBe(200);
  expect((await records.get(fake.state.orders[0]!.id))?.state).toBe('filled');
});
