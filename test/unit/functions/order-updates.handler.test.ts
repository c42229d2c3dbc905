import { createHeaderNamesLog } from '../../../functions/order-updates/header-names-log';
import { IGNORED, handleOrderUpdate, type OrderUpdatesDeps } from '../../../functions/order-updates/order-updates.handler';
import { postbackTokenOf } from '../../../functions/order-updates/postback-token';
import { fyersPostbackSignature, parseFyersPostback } from '../../../shared/broker/fyers/fyers.postback';
import { createLogger } from '../../../shared/platform/logger';
import type { SecretName } from '../../../shared/secrets/secrets.port';

/** Issue 19 item 2: the postback URL's token is the primary check; nothing tells a guesser how close it came. */
const TOKEN = 'Zk4-rP8qW2xN6tY0vB3mC7jH5gF1dS9a';
const SECRET = 'e1d9c7b5a3f2e0d8c6b4a2f0e9d7c5b3';
const ROW = JSON.stringify({ id: '26072100000001', symbol: 'NSE:X', side: 1, qty: 65, status: 2, filledQty: 65, tradedPrice: 150, productType: 'INTRADAY' });
const DAY = Date.UTC(2026, 6, 22, 5, 0);

function deps(secrets: Partial<Record<SecretName, string>> = { 'fyers-postback-token': TOKEN, 'fyers-postback-secret': SECRET }) {
  const lines: string[] = [];
  const looked: string[] = [];
  const background: Promise<unknown>[] = [];
  let now = DAY;
  const d = {
    clock: () => now,
    logger: createLogger({ sink: (l) => lines.push(l) }),
    secrets: { get: async (n: SecretName) => secrets[n] },
    postbacks: { signature: fyersPostbackSignature, parse: parseFyersPostback },
    headerNames: createHeaderNamesLog(2),
    instanceId: 't',
    background: (work: Promise<unknown>) => void background.push(work),
    // No record for any order: an authenticated postback ends as a kept hint.
    records: { get: async () => undefined, saveOrphan: async (r: { orderId: string }) => (looked.push(r.orderId), true) },
  } as unknown as OrderUpdatesDeps;
  /** Waits for the work the handler left running after its answers. */
  const followed = async () => {
    while (background.length > 0) await Promise.all(background.splice(0));
  };
  return { d, lines, looked, background, followed, setNow: (t: number) => (now = t) };
}

/** The handler's answer once everything already runnable has run: undefined if it waits on something still held. */
async function answerWhileHeld(answer: Promise<unknown>): Promise<unknown> {
  let got: unknown;
  void answer.then((a) => (got = a));
  await new Promise((r) => setImmediate(r));
  return got;
}

/** A promise the test settles by hand: a store transaction held open (say, by a clash on its document). */
function held<T>() {
  let release!: (v: T) => void;
  let fail!: (e: Error) => void;
  const promise = new Promise<T>((resolve, reject) => {
    release = resolve;
    fail = reject;
  });
  return { promise, release, fail };
}

const post = (d: OrderUpdatesDeps, over: { url?: string; body?: string; headers?: Record<string, string>; method?: string } = {}) =>
  handleOrderUpdate(d, { method: over.method ?? 'POST', url: over.url ?? `/orderUpdates/${TOKEN}`, rawBody: Buffer.from(over.body ?? ROW), headers: over.headers ?? {} });

it('reads the token from the last path segment or the token query parameter', () => {
  expect(postbackTokenOf(`/orderUpdates/${TOKEN}`)).toBe(TOKEN);
  expect(postbackTokenOf(`/${TOKEN}`)).toBe(TOKEN);
  expect(postbackTokenOf(`/orderUpdates?token=${TOKEN}`)).toBe(TOKEN);
  expect(postbackTokenOf('/orderUpdates')).toBeUndefined();
  expect(postbackTokenOf('/')).toBeUndefined();
});

it('accepts a postback with only the URL token (no signature header) and follows it', async () => {
  const { d, looked, lines, followed } = deps();
  expect(await post(d)).toMatchObject({ status: 200, body: { status: 'accepted' } });
  expect(await post(d, { url: `/orderUpdates?token=${TOKEN}` })).toMatchObject({ status: 200, body: { status: 'accepted' } });
  await followed();
  expect(looked).toEqual(['26072100000001', '26072100000001']);
  expect(lines.filter((l) => l.includes('postback followed') && l.includes('"result":"unmatched"'))).toHaveLength(2);
});

describe('the answer waits for the follow-up only within its window (Cloud Run gives CPU only while a request is open; Fyers blacklists a slow URL)', () => {
  /** A window the test closes by hand: a virtual deadline. */
  const windowed = (d: OrderUpdatesDeps) => {
    const deadline = held<void>();
    d.followUpWindow = (work) => Promise.race([work, deadline.promise]);
    return deadline;
  };
  const filledRecord = () => ({ id: '26072100000001', orderId: '26072100000001', symbol: 'NSE:X', side: 'BUY', qty: 65, filledQty: 0, state: 'accepted', role: 'entry', version: 1 });
  const filledRow = { orderId: '26072100000001', symbol: 'NSE:X', side: 'BUY', qty: 65, productType: 'INTRADAY', filledQty: 65, state: 'filled', avgPrice: 150 };

  it('answers once the follow-up has ended, its exits and events included, when that is inside the window', async () => {
    const { d, lines } = deps();
    windowed(d);
    const record = filledRecord();
    const published = held<void>();
    let committed = 0;
    Object.assign(d, {
      records: {
        ...d.records,
        get: async (id: string) => (id === record.id ? record : undefined),
        mutate: async (_id: string, f: (cur: unknown) => { result: unknown }) => ((committed += 1), f(record).result),
        unpublishedOf: async () => (await published.promise, []),
      },
      broker: { findOrders: async () => [filledRow] },
      settings: { managedExits: () => false },
      notifier: { notify: async () => undefined },
    });
    const answer = post(d);
    // Committed, and still publishing: the answer waits (the window is open).
    expect(await answerWhileHeld(answer)).toBeUndefined();
    expect(committed).toBe(1);
    published.release();
    expect(await answer).toMatchObject({ status: 200, body: { status: 'accepted' } });
    expect(lines.some((l) => l.includes('postback followed') && l.includes('"result":"changed"'))).toBe(true);
  });

  it('answers 200 when the window closes while the transaction keeping an early hint is still held, and keeps the hint once it commits', async () => {
    const { d, looked, followed } = deps();
    const deadline = windowed(d);
    const tx = held<boolean>();
    d.records.saveOrphan = async (r) => (looked.push(r.orderId), tx.promise);
    const answer = post(d);
    expect(await answerWhileHeld(answer)).toBeUndefined();
    deadline.release();
    // Answered with the transaction still open; the work was started, not dropped.
    expect(await answerWhileHeld(answer)).toMatchObject({ status: 200, body: { status: 'accepted' } });
    expect(looked).toEqual(['26072100000001']);
    tx.release(true);
    await followed();
  });

  it('answers 200 when the window closes while the record\'s own transaction (the fill) is held, and follows on once it commits', async () => {
    const { d, lines, followed } = deps();
    const deadline = windowed(d);
    const record = filledRecord();
    const tx = held<undefined>();
    let mutations = 0;
    Object.assign(d, {
      records: { ...d.records, get: async (id: string) => (id === record.id ? record : undefined), mutate: async () => ((mutations += 1), tx.promise) },
      broker: { findOrders: async () => [filledRow] },
      settings: { managedExits: () => false },
    });
    const answer = post(d);
    expect(await answerWhileHeld(answer)).toBeUndefined();
    deadline.release();
    expect(await answerWhileHeld(answer)).toMatchObject({ status: 200, body: { status: 'accepted' } });
    expect(mutations).toBe(1);
    tx.release(undefined);
    await followed();
    expect(lines.some((l) => l.includes('postback followed') && l.includes('"result":"unchanged"'))).toBe(true);
  });

  it('with no window, answers without waiting for any of it', async () => {
    const { d, followed } = deps();
    const tx = held<boolean>();
    d.records.saveOrphan = async () => tx.promise;
    expect(await answerWhileHeld(post(d))).toMatchObject({ status: 200, body: { status: 'accepted' } });
    tx.release(true);
    await followed();
  });

  it('a follow-up that fails is logged for the reconcile, and the answer is still 200', async () => {
    const { d, lines } = deps();
    windowed(d);
    const tx = held<boolean>();
    d.records.saveOrphan = async () => tx.promise;
    const answer = post(d);
    tx.fail(new Error('ABORTED: too much contention'));
    expect(await answer).toMatchObject({ status: 200, body: { status: 'accepted' } });
    expect(lines.join('\n')).toContain('postback could not be followed; the reconcile will');
  });
});

it('answers every unauthenticated or unusable postback with the same bytes, and follows none of them', async () => {
  const { d, looked } = deps();
  const answers = [
    await post(d, { url: '/orderUpdates' }),
    await post(d, { url: `/orderUpdates/${TOKEN.slice(0, -1)}b` }),
    await post(d, { url: `/orderUpdates/${TOKEN}x` }),
    await post(d, { headers: { 'x-fyers-signature': 'not-the-mac' } }),
    await post(d, { headers: { 'x-fyers-secret': 'wrong' } }),
    await post(d, { body: '{not json' }),
    await post(d, { body: '{"hello":1}' }),
    await post(d, { body: '' }),
    await post(d, { body: 'x'.repeat(70 * 1024) }),
    await post(d, { method: 'GET' }),
  ];
  for (const a of answers) expect(JSON.stringify(a)).toBe(JSON.stringify(IGNORED));
  expect(IGNORED.status).toBe(200);
  expect(looked).toEqual([]);
});

it('when its secrets cannot be read (Secret Manager down), a postback is answered 200 and ignored, never a 500', async () => {
  const { d, lines, looked, followed } = deps();
  d.secrets = {
    get: async () => {
      throw new Error('Secret Manager is unavailable');
    },
  };
  await expect(post(d)).resolves.toEqual(IGNORED);
  await followed();
  expect(looked).toEqual([]);
  expect(lines.some((l) => l.includes('its secrets could not be read'))).toBe(true);
});

it('with no token configured, every postback is ignored (the same answer) and the log says why', async () => {
  const { d, lines, looked } = deps({ 'fyers-postback-secret': SECRET });
  expect(JSON.stringify(await post(d))).toBe(JSON.stringify(IGNORED));
  expect(looked).toEqual([]);
  expect(lines.join('\n')).toContain('fyers-postback-token has no value');
});

it('logs the header NAMES (never values) of the first postbacks of each day', async () => {
  const { d, lines, setNow } = deps();
  const headers = { 'x-fyers-signature': 'value-that-must-not-be-logged', 'content-type': 'application/json' };
  await post(d, { headers });
  await post(d, { headers });
  await post(d, { headers });
  const named = () => lines.filter((l) => l.includes('postback headers (names only)'));
  expect(named()).toHaveLength(2);
  expect(named()[0]).toContain('"headerNames":["content-type","x-fyers-signature"]');
  expect(lines.join('\n')).not.toContain('value-that-must-not-be-logged');
  setNow(DAY + 24 * 3_600_000);
  await post(d, { headers });
  expect(named()).toHaveLength(3);
});
