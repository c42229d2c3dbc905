import { handleNotifyEvent } from '../../functions/notify/notify.handler';
import { createLogger } from '../../shared/platform/logger';
import { startHarness } from '../helpers/bridge-harness';

/**
 * Issue 10 item 9: the notify function's log line keeps its own severity (the notification's is a
 * field of its own), and a notification the chat webhook refused is never logged as forwarded.
 */
const event = (n: Record<string, unknown>) => ({ data: { message: { data: Buffer.from(JSON.stringify(n)).toString('base64') } } });
const critical = { kind: 'session.expired', severity: 'critical', summary: 'log in again', at: Date.now() };

async function run(env: Record<string, string>) {
  const lines: Array<Record<string, unknown>> = [];
  const bridge = await startHarness({ label: 'notify-log', env: { BROKER: 'paper', ...env }, logger: createLogger({ sink: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) }) });
  try {
    const result = await handleNotifyEvent(bridge.deps.notify, event(critical));
    return { result, lines };
  } finally {
    await bridge.close();
  }
}

describe('the notify function’s own log lines', () => {
  it('a target the SSRF guard refuses: logged as dropped at ERROR, never as forwarded', async () => {
    const { result, lines } = await run({ NOTIFY_WEBHOOK_URL: 'https://127.0.0.1/hooks/abc' });
    expect(result).toBe('dropped');
    expect(lines.map((l) => l.message)).not.toContain('notification forwarded');
    const dropped = lines.find((l) => l.message === 'notification dropped: the chat webhook refused it');
    expect(dropped).toMatchObject({ severity: 'ERROR', notificationSeverity: 'critical', kind: 'session.expired' });
  });

  it('no target configured: says so, at INFO, with the notification’s severity as its own field', async () => {
    const { result, lines } = await run({});
    expect(result).toBe('dropped');
    const line = lines.find((l) => l.kind === 'session.expired');
    expect(line).toMatchObject({ severity: 'INFO', notificationSeverity: 'critical' });
    expect(line!.message).not.toBe('notification forwarded');
  });

  it('a delivered notification: forwarded, and the entry’s severity is the log level, not the notification’s', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({ sink: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) });
    expect(await handleNotifyEvent({ logger, forward: async () => 'delivered' }, event(critical))).toBe('forwarded');
    expect(lines[0]).toMatchObject({ message: 'notification forwarded', severity: 'INFO', notificationSeverity: 'critical' });
  });
});
