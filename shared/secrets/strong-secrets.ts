import { MIN_SECRET_BITS, secretStrengthBits } from '../config/secret-strength';
import type { Logger } from '../platform/logger';
import type { SecretName, SecretSource } from './secrets.port';

/** The two keys a stranger can present; with the real broker they must be unguessable. */
const GUARDED: readonly SecretName[] = ['webhook-secret', 'controls-key'];

/**
 * In the cloud the keys come from Secret Manager, after start-up, so the config check cannot see them.
 * A guessable value is treated as no value at all: everything it would open stays shut, the log and
 * readiness name the secret, and adding a strong version fixes it within the cache time.
 */
export function refuseWeakSecrets(inner: SecretSource, logger: Logger): SecretSource & { weakOnes(): Promise<SecretName[]> } {
  const reported = new Set<string>();
  const isWeak = (v: string | undefined) => v !== undefined && secretStrengthBits(v) < MIN_SECRET_BITS;
  return {
    async get(name) {
      const value = await inner.get(name);
      if (!GUARDED.includes(name) || !isWeak(value)) return value;
      if (!reported.has(name)) {
        reported.add(name);
        logger.error('secret refused: too easy to guess', { secretName: name, minimumBits: MIN_SECRET_BITS });
      }
      return undefined;
    },
    async weakOnes() {
      const weak: SecretName[] = [];
      for (const name of GUARDED) if (isWeak(await inner.get(name))) weak.push(name);
      return weak;
    },
  };
}
