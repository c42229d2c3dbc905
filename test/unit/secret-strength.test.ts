import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, parseConfig } from '../../shared/config/config';
import { secretStrengthBits } from '../../shared/config/secret-strength';

/** Issue 10 item 6: with the real broker, guessable keys stop the process at start-up, naming the variable. */
const STRONG_WEBHOOK = 'b7f3c91e0a2d4f6b8c1e3a5d7f9b0c2e4a6d8f1b3c5e7a9d';
const STRONG_CONTROLS = 'Q2x9-vT7pLm4_Rz8KwYs3NbH6jFd1GcE';
const fyers = (env: Record<string, string>) => parseConfig({ BROKER: 'fyers', FYERS_APP_ID: 'ABC-100', SYMBOL_MASTER_FILE: './NSE_FO.csv', WEBHOOK_SECRET: STRONG_WEBHOOK, CONTROLS_KEY: STRONG_CONTROLS, ...env });

const problemsOf = (env: Record<string, string>): string => {
  try {
    fyers(env);
    return '';
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
};

describe('secret strength with BROKER=fyers', () => {
  it('accepts random keys of 128 bits and more', () => {
    expect(() => fyers({})).not.toThrow();
    expect(secretStrengthBits('0123456789abcdef'.split('').reverse().join('') + 'a1b2c3d4e5f60718')).toBeGreaterThanOrEqual(128);
  });

  it.each([
    ['WEBHOOK_SECRET', 'short-secret'],
    ['WEBHOOK_SECRET', 'abc123'],
    ['CONTROLS_KEY', 'ctl-key-7f3a9c21e4b8'],
    ['CONTROLS_KEY', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
    ['CONTROLS_KEY', 'abcdefgh'.repeat(8)],
    ['WEBHOOK_SECRET', 'Q'],
  ])('refuses %s=%s and names it', (name, value) => {
    const text = problemsOf({ [name]: value });
    expect(text).toContain(`${name}:`);
    expect(text).toMatch(/at least 128/);
    // The message never repeats the value it refused.
    expect(text).not.toContain(value);
  });

  it("refuses the placeholders in .env.example, however long", () => {
    const example = readFileSync(path.join(__dirname, '../../.env.example'), 'utf8');
    for (const name of ['WEBHOOK_SECRET', 'CONTROLS_KEY']) {
      const placeholder = new RegExp(`^#\\s*${name}=(.+)$`, 'm').exec(example)![1]!;
      expect(problemsOf({ [name]: placeholder })).toContain(`${name}:`);
    }
    for (const p of ['change-me-to-a-long-random-string-please-0123456789', '<a long random value that nobody replaced>', 'your-webhook-secret-goes-here-0123456789ABCDEF', 'paper-demo-secret']) {
      expect(problemsOf({ CONTROLS_KEY: p })).toContain('CONTROLS_KEY:');
    }
  });

  it('refuses one key used for both', () => {
    expect(problemsOf({ CONTROLS_KEY: STRONG_WEBHOOK })).toContain('CONTROLS_KEY: must differ from WEBHOOK_SECRET');
  });

  it('leaves the paper broker alone (the demo works with no setup)', () => {
    expect(() => parseConfig({ WEBHOOK_SECRET: 'abc', CONTROLS_KEY: 'x' })).not.toThrow();
  });
});
