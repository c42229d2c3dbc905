/** Structured operator notification. Published to Pub/Sub in the cloud, logged locally. */
export type NotificationKind =
  | 'order.rejected'
  | 'order.unknown'
  | 'order.recovered'
  | 'session.expired'
  | 'session.expiring'
  | 'token.refresh_failed'
  | 'symbol_master.failed'
  | 'symbol_master.warning'
  | 'broker.circuit_open'
  | 'controls.changed'
  | 'strategy.squared_off'
  | 'risk.loss_limit'
  | 'order.rejected_after_ack'
  | 'order.resolved'
  | 'order.unfilled'
  | 'order.partial_at_close'
  | 'exit.placed'
  | 'exit.filled'
  | 'exit.failed'
  | 'protection.fallback'
  | 'strategy.risk'
  | 'position.flattened'
  | 'alert.refused'
  | 'store.unreadable'
  | 'console.action';

export interface Notification {
  kind: NotificationKind;
  severity: 'info' | 'warning' | 'critical';
  /** One line a trader can read on a phone. */
  summary: string;
  requestId?: string;
  at: number;
  details?: Record<string, unknown>;
}

/** What became of one delivery to the operator's chat webhook (a retryable failure throws instead). */
export type NotificationDelivery = 'delivered' | 'refused' | 'no-target';

export interface Notifier {
  /** Never throws: a notification failure must not change an order's outcome. */
  notify(n: Notification): Promise<void>;
}
