import * as v from 'valibot';
import type { Notification, NotificationKind } from './notifier.port';

const KINDS = [
  'order.rejected',
  'order.unknown',
  'order.recovered',
  'session.expired',
  'session.expiring',
  'token.refresh_failed',
  'symbol_master.failed',
  'symbol_master.warning',
  'broker.circuit_open',
  'controls.changed',
  'strategy.squared_off',
  'risk.loss_limit',
  'order.rejected_after_ack',
  'order.resolved',
  'order.unfilled',
  'order.partial_at_close',
  'exit.placed',
  'exit.filled',
  'exit.failed',
  'protection.fallback',
  'strategy.risk',
  'position.flattened',
  'alert.refused',
  'store.unreadable',
  'console.action',
] as const satisfies readonly NotificationKind[];
// Fails to compile if a kind is added to the port but not here.
type Missing = Exclude<NotificationKind, (typeof KINDS)[number]>;
const exhaustive: [Missing] extends [never] ? true : Missing = true;
void exhaustive;

const NotificationSchema = v.object({
  kind: v.picklist(KINDS),
  severity: v.picklist(['info', 'warning', 'critical']),
  summary: v.pipe(v.string(), v.maxLength(2_000)),
  requestId: v.optional(v.string()),
  at: v.number(),
  details: v.optional(v.record(v.string(), v.unknown())),
});

/** The `data` of a `google.cloud.pubsub.topic.v1.messagePublished` CloudEvent. */
const MessagePublishedSchema = v.object({
  message: v.object({
    data: v.optional(v.string()),
    attributes: v.optional(v.record(v.string(), v.string())),
    messageId: v.optional(v.string()),
  }),
  subscription: v.optional(v.string()),
});

export type DecodedEvent = { ok: true; notification: Notification; messageId?: string } | { ok: false; reason: string };

/**
 * Turns the Pub/Sub push payload back into the Notification the publisher sent (JSON, base64 in
 * `message.data`). A message that does not decode is reported, not thrown: redelivering a malformed
 * message can never succeed, so the caller should log it and acknowledge.
 */
export function decodePubSubNotification(eventData: unknown): DecodedEvent {
  const envelope = v.safeParse(MessagePublishedSchema, eventData);
  if (!envelope.success) return { ok: false, reason: 'not a Pub/Sub messagePublished payload' };
  const { data, messageId } = envelope.output.message;
  if (!data) return { ok: false, reason: 'message has no data' };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch {
    return { ok: false, reason: 'message data is not base64-encoded JSON' };
  }
  const parsed = v.safeParse(NotificationSchema, json);
  if (!parsed.success) {
    const path = v.getDotPath(parsed.issues[0]!) ?? '(root)';
    return { ok: false, reason: `message is not a notification: ${path}: ${parsed.issues[0]!.message}` };
  }
  return { ok: true, notification: parsed.output, ...(messageId ? { messageId } : {}) };
}
