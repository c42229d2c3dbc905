import type { Notification, NotificationDelivery } from '../../shared/notify/notifier.port';
import { decodePubSubNotification } from '../../shared/notify/decode-pubsub-event';
import type { Logger } from '../../shared/platform/logger';

export interface NotifyDeps {
  logger: Logger;
  /**
   * Delivers one notification to the operator's chat webhook; says whether it arrived, was refused for
   * good, or had nowhere to go (nothing resolved means delivered). Throws when a retry could help.
   */
  forward: (n: Notification) => Promise<NotificationDelivery | void>;
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
  const delivery = (await deps.forward(n)) ?? 'delivered';
  // The notification's own severity under its own name: `severity` is the log entry's, for Cloud Logging.
  const fields = { kind: n.kind, notificationSeverity: n.severity, requestId: n.requestId };
  // The monitoring filter counts this exact message with its `kind` (terraform/monitoring.tf).
  if (delivery === 'delivered') deps.logger.info('notification forwarded', { kind: n.kind, notificationSeverity: n.severity, requestId: n.requestId });
  else if (delivery === 'no-target') deps.logger.info('notification not forwarded: no chat webhook is configured', fields);
  else deps.logger.error('notification dropped: the chat webhook refused it', fields);
  return delivery === 'delivered' ? 'forwarded' : 'dropped';
}
