import { createLogger } from '../../../shared/platform/logger';
import { createEnvSecretSource, SECRET_ENV_VARS } from '../../../shared/secrets/secrets.env';

describe('createEnvSecretSource', () => {
  it('maps each secret name to its environment variable', async () => {
    const source = createEnvSecretSource({
      WEBHOOK_SECRET: 'wh-secret-value',
      CONTROLS_KEY: 'controls-key-value',
      FYERS_APP_SECRET: 'fyers-app-secret-value',
      FYERS_PIN: '123456',
    });
    await expect(source.get('webhook-secret')).resolves.toBe('wh-secret-value');
    await expect(source.get('controls-key')).resolves.toBe('controls-key-value');
    await expect(source.get('fyers-app-secret')).resolves.toBe('fyers-app-secret-value');
    await expect(source.get('fyers-pin')).resolves.toBe('123456');
    expect(SECRET_ENV_VARS).toEqual({
      'webhook-secret': 'WEBHOOK_SECRET',
      'controls-key': 'CONTROLS_KEY',
      'fyers-app-secret': 'FYERS_APP_SECRET',
      'fyers-pin': 'FYERS_PIN',
      'fyers-postback-secret': 'FYERS_POSTBACK_SECRET',
      'fyers-postback-token': 'FYERS_POSTBACK_TOKEN',
    });
  });

  it('treats a missing or blank variable as unset', async () => {
    const source = createEnvSecretSource({ WEBHOOK_SECRET: '   ' });
    await expect(source.get('webhook-secret')).resolves.toBeUndefined();
    await expect(source.get('fyers-pin')).resolves.toBeUndefined();
  });

  it('registers the values so the logger redacts them wherever they appear', () => {
    createEnvSecretSource({ CONTROLS_KEY: 'ctl-key-zz-9981' });
    const lines: string[] = [];
    createLogger({ sink: (l) => lines.push(l) }).info('oops ctl-key-zz-9981 leaked', { note: 'x ctl-key-zz-9981' });
    expect(lines[0]).not.toContain('ctl-key-zz-9981');
  });
});
