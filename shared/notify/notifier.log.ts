import type { Logger } from '../platform/logger';
import type { Notification, Notifier } from './notifier.port';

/** Local default: notifications become log lines, at a level that matches their severity. */
export function createLogNotifier(logger: Logger): Notifier {
  return {
    async notify(n: Notification) {
      // Not `severity`: that key is the log line's own level in Cloud Logging and would be overwritten.
      const fields = { notification: n.kind, notificationSeverity: n.severity, requestId: n.requestId, at: n.at, details: n.details };
      const message = `notification: ${n.summary}`;
      try {
        if (n.severity === 'critical') logger.error(message, fields);
        else if (n.severity === 'warning') logger.warn(message, fields);
        else logger.info(message, fields);
      } catch {
        // A broken sink must not turn into a failed order; the port promises notify never throws.
      }
    },
  };
}
