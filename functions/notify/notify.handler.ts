import type { Notification } from '../../shared/notify/notifier.port';
import { decodePubSubNotification } from '../../shared/notify/decode-pubsub-event';
import type { Logger } from '../../shared/platform/logger';

export interface NotifyDeps {
  logger: Logger;
  /** Delivers one notification to the operator's chat webhook; a no-op when none is configured. */
  forward: (n: Notification) => Promise<void>;
}

/**
 * Pub/Sub subscriber: turns each published event into a message on the operator's phone. A message
 * that cannot be decoded is logged and acknowledged (retrying it cannot help); a delivery failure
 * throws so Pub/Sub redelivers with backoff.
 */
export async function handleNotifyEvent(deps: NotifyDeps, event: unknown): Promise<'forwarded' | 'dropped'> {
  const decoded = decodePubSubNotification((event as { data?: unknown } | undefined)?.data);
  if (!decoded.ok) {
    deps.logger.warn('dropping an undecodable notification', { reason: decoded.reason });
    return 'dropped';
  }
  const n = decoded.notification;
  await deps.forward(n);
  deps.logger.info('notification forwarded', { kind: n.kind, severity: n.severity, requestId: n.requestId });
  return 'forwarded';
}
