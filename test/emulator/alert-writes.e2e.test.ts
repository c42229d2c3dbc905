/**
 * What one named-strike MARKET alert costs, counted at the ports, with the whole product deployed as in
 * production (Functions Framework, composition root) against the fake Fyers, on Firestore (emulator)
 * and on the local store: two writes in sequence (the claim before the send; then the outcome, the
 * order's record and the audit entry in one commit before the answer) and one broker call (the order;
 * the reply's price comes from a shared quote or is left out). A resend is answered from the claim.
 */
import { alertKey } from '../../shared/alert/idempotency-key';
import { istParts } from '../../shared/platform/ist';
import { startFyersApp, type FyersApp } from '../helpers/fyers-app';
import { requireEmulators } from './helpers/emulator-env';

requireEmulators();

let app: FyersApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/**
 * Counts calls to the named methods of port objects the wiring shares (the deps hold the same objects),
 * and how many writes began while no other write was in flight: the writes an alert makes one after another.
 */
function writeProbe() {
  let inFlight = 0;
  const probe = { sequential: 0 };
  const count = <T extends object>(port: T, names: Array<keyof T>): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const name of names) {
      const original = port[name] as unknown as (...a: unknown[]) => Promise<unknown>;
      counts[String(name)] = 0;
      (port as Record<string, unknown>)[String(name)] = (...args: unknown[]) => {
        counts[String(name)]! += 1;
        if (inFlight === 0) probe.sequential += 1;
        inFlight += 1;
        return original.apply(port, args).finally(() => (inFlight -= 1));
      };
    }
    return counts;
  };
  return { probe, count };
}

describe.each(['firestore', 'local'] as const)('one alert on the %s store', (store) => {
  it('writes the claim, then one commit of outcome + record + audit before answering; one broker call', async () => {
    const a = (app = await startFyersApp({ store }));
    const w = a.deps.webhook;
    const { probe, count } = writeProbe();
    // The commit first, so that what it does inside (the local store's parts) counts as inside it.
    const commits = count(w.alertCommit, ['commit']);
    const claims = count(w.idempotency, ['claim', 'complete', 'release']);
    const audits = count(w.audit, ['record']);
    const records = count(a.deps.adapters.orderRecords, ['create', 'mutate']);
    const alert = a.alert();
    const brokerCallsBefore = a.fake.state.requests.filter((r) => r.route !== 'profile').length;

    const first = await a.post(alert);

    expect(first.status).toBe(200);
    expect(first.body.status).toBe('accepted');
    // Writes: the claim, then the one commit; nothing else wrote on the way to the answer.
    expect(probe.sequential).toBe(2);
    expect(commits).toEqual({ commit: 1 });
    if (store === 'firestore') {
      // One transaction holds the outcome, the record and the audit entry: no store wrote on its own.
      expect(claims).toEqual({ claim: 1, complete: 0, release: 0 });
      expect(audits).toEqual({ record: 0 });
      expect(records).toEqual({ create: 0, mutate: 0 });
    } else {
      // The local store's commit is its three parts side by side, inside the one step.
      expect(claims).toEqual({ claim: 1, complete: 1, release: 0 });
      expect(audits).toEqual({ record: 1 });
      expect(records).toEqual({ create: 1, mutate: 0 });
    }
    // Broker: the order alone (the fake's quote route was never asked on this alert's path).
    const calls = a.fake.state.requests.filter((r) => r.route !== 'profile').slice(brokerCallsBefore);
    expect(calls.map((r) => r.route)).toEqual(['place-order']);

    // What the answer stood on is there: the outcome a resend replays, the record the reconcile follows, the audit.
    const claim = await w.idempotency.get(alertKey(alert).key);
    expect(claim).toMatchObject({ status: 'placed', result: { orderId: a.fake.state.orders[0]!.id } });
    const order = a.fake.state.orders[0]!;
    expect(await a.deps.adapters.orderRecords.get(order.id)).toMatchObject({ orderId: order.id, state: 'accepted' });
    const audit = (await a.deps.adapters.audit.list({ day: istParts(a.clock()).date })).find((e) => e.requestId === first.body.requestId);
    expect(audit).toMatchObject({ status: 'placed', httpStatus: 200, orderRecordId: order.id });

    const resend = await a.post(alert);
    expect(resend.body).toMatchObject({ status: 'duplicate', orderId: order.id });
    expect(a.orderCalls()).toBe(1);
  });
});
