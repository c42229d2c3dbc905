import type { Topic } from '@google-cloud/pubsub';
import type { Logger } from '../platform/logger';
import type { Notification, Notifier } from './notifier.port';

/**
 * Publishes each notification as JSON to a Pub/Sub topic, with `kind` and `severity` as attributes so
 * subscriptions can filter (e.g. only `critical` goes to a phone). A publish failure is logged and
 * swallowed: the order outcome must never depend on the notification path. The wait is bounded too,
 * because the client retries for minutes when Pub/Sub is unreachable and callers await `notify`.
 */
export function createPubSubNotifier(topic: Topic, logger: Logger, opts: { timeoutMs?: number } = {}): Notifier {
  const timeoutMs = opts.timeoutMs ?? 2_000;
  return {
    async notify(n: Notification) {
      let timer: NodeJS.Timeout | undefined;
      const publish = topic.publishMessage({ json: n, attributes: { kind: n.kind, severity: n.severity } });
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      try {
        const result = await Promise.race([publish, timedOut]);
        if (result === 'timeout') {
          // Let the publish carry on in the background; just stop holding up the caller.
          publish.catch((e: unknown) => logger.error('notification publish failed after timeout', { kind: n.kind, requestId: n.requestId, error: e }));
          logger.warn('notification publish still pending; not waiting longer', { kind: n.kind, requestId: n.requestId, timeoutMs });
        }
      } catch (e) {
        logger.error('notification publish failed', { kind: n.kind, notificationSeverity: n.severity, requestId: n.requestId, error: e });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
