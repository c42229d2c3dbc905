import type { Topic } from '@google-cloud/pubsub';
import { createLogger } from '../../../shared/platform/logger';
import { createPubSubNotifier } from '../../../shared/notify/notifier.pubsub';
import type { Notification } from '../../../shared/notify/notifier.port';

// The wire behaviour is proven against the emulator (test/emulator); these pin down the two failure
// modes the emulator cannot easily produce: a publish that hangs, and one that rejects.
const n: Notification = { kind: 'broker.circuit_open', severity: 'critical', summary: 'Fyers unreachable; circuit open', at: 1 };
const topicWith = (publishMessage: () => Promise<string>) => ({ publishMessage }) as unknown as Topic;
const capture = () => {
  const lines: Array<{ severity: string; message: string }> = [];
  return { lines, logger: createLogger({ sink: (l) => lines.push(JSON.parse(l) as { severity: string; message: string }) }) };
};

describe('createPubSubNotifier failure handling', () => {
  it('stops waiting after timeoutMs when the publish hangs, and says so in the log', async () => {
    const { lines, logger } = capture();
    // The publish never settles, so resolving at all proves the notifier stopped waiting.
    await expect(createPubSubNotifier(topicWith(() => new Promise<string>(() => undefined)), logger, { timeoutMs: 50 }).notify(n)).resolves.toBeUndefined();
    expect(lines).toEqual([expect.objectContaining({ severity: 'WARNING', message: 'notification publish still pending; not waiting longer' })]);
  });

  it('swallows a rejected publish and logs it as an error', async () => {
    const { lines, logger } = capture();
    await expect(createPubSubNotifier(topicWith(() => Promise.reject(new Error('PERMISSION_DENIED'))), logger).notify(n)).resolves.toBeUndefined();
    expect(lines).toEqual([expect.objectContaining({ severity: 'ERROR', message: 'notification publish failed' })]);
  });

  it('logs a late failure of a publish it stopped waiting for', async () => {
    const { lines, logger } = capture();
    let fail!: (e: Error) => void;
    const pending = new Promise<string>((_, reject) => (fail = reject));
    await createPubSubNotifier(topicWith(() => pending), logger, { timeoutMs: 10 }).notify(n);
    fail(new Error('DEADLINE_EXCEEDED'));
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => l.message)).toEqual(['notification publish still pending; not waiting longer', 'notification publish failed after timeout']);
  });
});
