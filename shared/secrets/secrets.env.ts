import { registerSecret } from '../platform/logger';
import type { SecretName, SecretSource } from './secrets.port';

/** Which environment variable holds each secret when running locally (`SECRETS=env`). */
export const SECRET_ENV_VARS: Readonly<Record<SecretName, string>> = {
  'webhook-secret': 'WEBHOOK_SECRET',
  'controls-key': 'CONTROLS_KEY',
  'fyers-app-secret': 'FYERS_APP_SECRET',
  'fyers-pin': 'FYERS_PIN',
  'fyers-postback-secret': 'FYERS_POSTBACK_SECRET',
  'fyers-postback-token': 'FYERS_POSTBACK_TOKEN',
};

/**
 * Secrets from a plain map of environment variables. The caller passes the map (the composition root
 * reads `process.env`), so this stays testable and never reaches for globals. Blank counts as unset.
 */
export function createEnvSecretSource(env: Readonly<Record<string, string | undefined>>): SecretSource {
  for (const key of Object.values(SECRET_ENV_VARS)) registerSecret(env[key]?.trim());
  return {
    get: async (name) => {
      const value = env[SECRET_ENV_VARS[name]]?.trim();
      return value ? value : undefined;
    },
  };
}
