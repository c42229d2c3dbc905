import { decodePubSubNotification } from '../../../shared/notify/decode-pubsub-event';
import type { Notification } from '../../../shared/notify/notifier.port';

const n: Notification = { kind: 'order.unknown', severity: 'critical', summary: 'BANKNIFTY order outcome unknown', requestId: 'r1', at: 1_767_000_000_000, details: { orderTag: 'abc' } };
const envelope = (data: string | undefined, extra: Record<string, unknown> = {}) => ({
  message: { ...(data !== undefined ? { data } : {}), attributes: { kind: n.kind, severity: n.severity }, messageId: 'm-1', ...extra },
  subscription: 'projects/p/subscriptions/s',
});
const b64 = (x: unknown) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64');

describe('decodePubSubNotification', () => {
  it('recovers the published notification from base64 JSON', () => {
    expect(decodePubSubNotification(envelope(b64(n)))).toEqual({ ok: true, notification: n, messageId: 'm-1' });
  });

  it.each([
    ['a non-object', 'hello', /messagePublished/],
    ['a missing message', { subscription: 'x' }, /messagePublished/],
    ['no data', envelope(undefined), /no data/],
    ['data that is not JSON', envelope(b64('not json {')), /base64-encoded JSON/],
    ['an unknown kind', envelope(b64({ ...n, kind: 'order.exploded' })), /kind/],
    ['a missing summary', envelope(b64({ ...n, summary: undefined })), /summary/],
    ['a bad severity', envelope(b64({ ...n, severity: 'meh' })), /severity/],
  ])('reports %s instead of throwing', (_label, input, reason) => {
    const r = decodePubSubNotification(input);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toMatch(reason);
  });
});
