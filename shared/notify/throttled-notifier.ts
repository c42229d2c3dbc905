import type { Clock } from '../platform/clock';
import type { Notification, NotificationKind, Notifier } from './notifier.port';

/**
 * Keeps a busy session from flooding the operator's phone: at most `perKindPerWindow` notifications
 * of one kind per window (per instance); the rest are counted and the next one that goes out says how
 * many were held back. Critical notifications always go out: they ask for a human now.
 */
export function createThrottledNotifier(inner: Notifier, opts: { clock: Clock; windowMs: number; perKindPerWindow: number }): Notifier {
  const state = new Map<NotificationKind, { windowStart: number; sent: number; held: number }>();
  return {
    async notify(n: Notification) {
      if (n.severity === 'critical') return inner.notify(n);
      const now = opts.clock();
      let s = state.get(n.kind);
      if (!s || now - s.windowStart >= opts.windowMs) {
        s = { windowStart: now, sent: 0, held: s?.held ?? 0 };
        state.set(n.kind, s);
      }
      if (s.sent >= opts.perKindPerWindow) {
        s.held += 1;
        return;
      }
      s.sent += 1;
      const held = s.held;
      s.held = 0;
      await inner.notify(held > 0 ? { ...n, summary: `${n.summary} (+${held} more like this held back)`, details: { ...n.details, heldBack: held } } : n);
    },
  };
}
