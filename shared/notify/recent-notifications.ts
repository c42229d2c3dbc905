import type { Logger } from '../platform/logger';
import type { Notification, Notifier } from './notifier.port';

/**
 * The last notifications sent, for the console: the chat channel may be muted or scrolled away, and
 * the operator's page should show what the phone was told today. Bounded: reads return the newest few,
 * and stores drop entries older than a week.
 */
export interface RecentNotifications {
  append(n: Notification): Promise<void>;
  /** Newest first. */
  list(limit: number): Promise<Notification[]>;
}

/** How long a stored notification is kept. */
export const RECENT_NOTIFICATIONS_KEEP_MS = 7 * 86_400_000;

/**
 * Every notification also lands in the recent store. Both run side by side and neither can fail the
 * other or the caller: the notifier port never throws.
 */
export function rememberNotifications(inner: Notifier, store: RecentNotifications, logger: Logger): Notifier {
  return {
    async notify(n) {
      await Promise.all([
        inner.notify(n),
        store.append(n).catch((e: unknown) => logger.warn('could not keep the notification for the console', { kind: n.kind, error: e })),
      ]);
    },
  };
}
