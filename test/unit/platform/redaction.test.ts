import { createLogger, registerSecret } from '../../../shared/platform/logger';

/** Issue 10 item 6: every configured secret is redacted, whatever its length. */
describe('log redaction', () => {
  it.each(['7391', 'k9', 'q'])('redacts a registered secret of %s characters', (secret) => {
    registerSecret(secret);
    const lines: string[] = [];
    createLogger({ sink: (l) => lines.push(l) }).info(`the value is ${secret}!`, { note: `pin=${secret}` });
    expect(lines[0]).not.toContain(secret);
    expect(lines[0]).toContain('[REDACTED]');
  });

  it('redacts a long secret whole even when a short one sits inside it', () => {
    registerSecret('zz');
    registerSecret('aazzbbccddeeff');
    const lines: string[] = [];
    createLogger({ sink: (l) => lines.push(l) }).info('x aazzbbccddeeff y');
    expect(JSON.parse(lines[0]!).message).toBe('x [REDACTED] y');
  });
});
