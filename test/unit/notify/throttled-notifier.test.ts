import { manualClock } from '../../../shared/platform/clock';
import type { Notification } from '../../../shared/notify/notifier.port';
import { createThrottledNotifier } from '../../../shared/notify/throttled-notifier';

const n = (kind: Notification['kind'], severity: Notification['severity'] = 'info', summary = 's'): Notification => ({ kind, severity, summary, at: 0 });

it('lets a few of one kind through per window, holds the rest, and says how many were held with the next one', async () => {
  const clock = manualClock(0);
  const sent: Notification[] = [];
  const t = createThrottledNotifier({ notify: async (x) => void sent.push(x) }, { clock, windowMs: 60_000, perKindPerWindow: 2 });
  for (let i = 0; i < 5; i++) await t.notify(n('exit.placed'));
  await t.notify(n('exit.filled'));
  expect(sent.map((s) => s.kind)).toEqual(['exit.placed', 'exit.placed', 'exit.filled']);
  clock.advance(60_000);
  await t.notify(n('exit.placed', 'info', 'later'));
  expect(sent[3]).toMatchObject({ summary: 'later (+3 more like this held back)', details: { heldBack: 3 } });
});

it('never holds back a critical notification', async () => {
  const sent: Notification[] = [];
  const t = createThrottledNotifier({ notify: async (x) => void sent.push(x) }, { clock: () => 0, windowMs: 60_000, perKindPerWindow: 1 });
  for (let i = 0; i < 4; i++) await t.notify(n('position.flattened', 'critical'));
  expect(sent).toHaveLength(4);
});
