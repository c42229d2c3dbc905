import { alertKey } from '../../shared/alert/idempotency-key';
import { startFyersApp, type FyersApp } from './fyers-app';

/**
 * Issue 10 item 4, one behaviour for both stores: records that exist but are unreadable (a torn write,
 * an empty file, a `null`, a document that fails validation) are never taken for absent or for the
 * defaults. Unreadable controls disable trading with the kill switch still settable; an unreadable
 * idempotency record refuses its alert without sending; readyz says the store is not ready; the
 * operator is told.
 */
export interface Corrupter {
  /** Makes the runtime controls unreadable. */
  controls(): Promise<void>;
  /** Makes the idempotency record of `key` unreadable: `torn` (cut short) or `null-result` (a finished record whose result is gone). */
  record(key: string, how: 'torn' | 'null-result'): Promise<void>;
}

export const STRONG_CONTROLS_KEY = 'ck-4b9e2f71c0d85a36e1f7b24c9d0a6e83';

export function corruptStateSuite(store: 'local' | 'firestore', corrupter: (app: FyersApp) => Corrupter): void {
  // A fresh Firestore client per app pays a gRPC channel set-up, which on a loaded 2-core box takes seconds.
  jest.setTimeout(120_000);
  let app: FyersApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  const start = async () => (app = await startFyersApp({ store, env: { CONTROLS_KEY: STRONG_CONTROLS_KEY, CONTROLS_CACHE_SECONDS: '0' } }));
  const bearer = { authorization: `Bearer ${STRONG_CONTROLS_KEY}` };
  const storeCheck = async (a: FyersApp) => {
    const r = await a.get('/readyz');
    return { status: r.status, store: (r.body.checks as Record<string, { ok: boolean; detail?: string }>).store };
  };

  it('unreadable controls: alerts refused with nothing sent, the kill switch still settable, readyz not ready, the operator told', async () => {
    const a = await start();
    await corrupter(a).controls();

    const alert = await a.post(a.alert());
    expect(alert.status).toBe(403);
    expect(a.orderCalls()).toBe(0);

    const read = await fetch(`${a.url}/controls`, { headers: bearer });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { controls: { tradingEnabled: boolean } }).controls.tradingEnabled).toBe(false);

    const ready = await storeCheck(a);
    expect(ready.status).toBe(503);
    expect(ready.store.ok).toBe(false);
    expect(ready.store.detail).toMatch(/controls/);
    expect(a.notifications.filter((n) => n.kind === 'store.unreadable')).toHaveLength(1);

    // The operator sets the kill switch (here: explicitly back on); that replaces the unreadable record.
    const set = await fetch(`${a.url}/controls`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify({ tradingEnabled: true, actor: 'asha' }) });
    expect(set.status).toBe(200);
    expect(((await set.json()) as { previous: { tradingEnabled: boolean } }).previous.tradingEnabled).toBe(false);
    expect((await storeCheck(a)).store.ok).toBe(true);
    expect((await a.post(a.alert())).status).toBe(200);
    expect(a.orderCalls()).toBe(1);
  });

  it.each(['torn', 'null-result'] as const)('a %s record of a placed alert is never taken for absent: the resend sends nothing', async (how) => {
    const a = await start();
    const body = a.alert({ idempotency_key: `corrupt-${how}` });
    const first = await a.post(body);
    expect(first.status).toBe(200);
    expect(a.orderCalls()).toBe(1);

    await corrupter(a).record(alertKey(body, `corrupt-${how}`).key, how);
    for (let i = 0; i < 3; i++) {
      const resend = await a.post(body);
      expect(resend.status).toBe(503);
      expect(resend.body).toMatchObject({ status: 'error', error: { code: 'DEPENDENCY_UNAVAILABLE' } });
    }
    expect(a.orderCalls()).toBe(1);

    const ready = await storeCheck(a);
    expect(ready.status).toBe(503);
    expect(ready.store.detail).toMatch(/idempotency/);
    expect(a.notifications.filter((n) => n.kind === 'store.unreadable')).toHaveLength(1);
  });
}
