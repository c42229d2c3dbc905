import { createLogger } from '../../../shared/platform/logger';
import { refuseWeakSecrets } from '../../../shared/secrets/strong-secrets';
import type { SecretName } from '../../../shared/secrets/secrets.port';

/** Issue 10 item 6 in the cloud: a guessable key read from Secret Manager opens nothing and is named. */
describe('weak secrets from Secret Manager', () => {
  const values: Partial<Record<SecretName, string>> = {
    'webhook-secret': 'tv-secret-1',
    'controls-key': '9f1c4e7a2b6d8035c1e9f4a7b2d6e8031c5f9a4e',
    'fyers-pin': '1234',
  };
  const lines: string[] = [];
  const secrets = refuseWeakSecrets({ get: async (n) => values[n] }, createLogger({ sink: (l) => lines.push(l) }));

  it('treats a guessable webhook secret as no secret, naming it once in the log without its value', async () => {
    expect(await secrets.get('webhook-secret')).toBeUndefined();
    expect(await secrets.get('webhook-secret')).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('webhook-secret');
    expect(lines[0]).not.toContain('tv-secret-1');
    expect(await secrets.weakOnes()).toEqual(['webhook-secret']);
  });

  it('passes strong keys and other secrets (a 4-digit PIN is what Fyers asks for) through', async () => {
    expect(await secrets.get('controls-key')).toBe(values['controls-key']);
    expect(await secrets.get('fyers-pin')).toBe('1234');
  });
});

/** Issue 19 item 3: the postback secret and URL token are keys too: strong, and not another key's value. */
describe('postback keys from Secret Manager', () => {
  const strong = 'a7c3e9f1b5d2084c6e1f3a9b7d5c2e0f4a8b6c1d';
  const values: Partial<Record<SecretName, string>> = {
    'webhook-secret': strong,
    'controls-key': '9f1c4e7a2b6d8035c1e9f4a7b2d6e8031c5f9a4e',
    'fyers-postback-secret': strong,
    'fyers-postback-token': 'q9',
  };
  const lines: string[] = [];
  const secrets = refuseWeakSecrets({ get: async (n) => values[n] }, createLogger({ sink: (l) => lines.push(l) }));

  it('refuses a postback secret equal to the webhook secret and a guessable postback token, naming both without values', async () => {
    expect(await secrets.get('fyers-postback-secret')).toBeUndefined();
    expect(await secrets.get('fyers-postback-token')).toBeUndefined();
    expect(await secrets.weakOnes()).toEqual(['fyers-postback-secret', 'fyers-postback-token']);
    expect(lines.join('\n')).toContain('same value as webhook-secret');
    expect(lines.join('\n')).not.toContain(strong);
    // The webhook secret itself stays usable: only the copy is refused.
    expect(await secrets.get('webhook-secret')).toBe(strong);
  });
});
