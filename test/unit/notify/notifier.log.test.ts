import { createLogger, type Logger } from '../../../shared/platform/logger';
import { createLogNotifier } from '../../../shared/notify/notifier.log';
import type { Notification } from '../../../shared/notify/notifier.port';

const base: Omit<Notification, 'severity'> = { kind: 'controls.changed', summary: 'Trading paused by operator', at: 1, requestId: 'r9' };

describe('createLogNotifier', () => {
  it.each([
    ['info', 'INFO'],
    ['warning', 'WARNING'],
    ['critical', 'ERROR'],
  ] as const)('logs a %s notification at %s with its kind and summary', async (severity, level) => {
    const lines: string[] = [];
    await createLogNotifier(createLogger({ level: 'DEBUG', sink: (l) => lines.push(l) })).notify({ ...base, severity });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ severity: level, message: 'notification: Trading paused by operator', notification: 'controls.changed', requestId: 'r9' });
  });

  it('does not throw when the log sink does', async () => {
    const broken: Logger = createLogger({ sink: () => { throw new Error('disk full'); } });
    await expect(createLogNotifier(broken).notify({ ...base, severity: 'critical' })).resolves.toBeUndefined();
  });
});
