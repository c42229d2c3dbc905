import { MIN_SECRET_BITS, secretStrengthBits } from '../config/secret-strength';
import type { Logger } from '../platform/logger';
import type { SecretName, SecretSource } from './secrets.port';

/** The keys a stranger can present; with the real broker they must be unguessable. */
const GUARDED: readonly SecretName[] = ['webhook-secret', 'controls-key', 'fyers-postback-secret', 'fyers-postback-token'];
/** Keys that must not equal another guarded key (one leaked key must not open a second door). */
const DISTINCT: readonly SecretName[] = ['controls-key', 'fyers-postback-secret', 'fyers-postback-token'];

/**
 * In the cloud the keys come from Secret Manager, after start-up, so the config check cannot see them.
 * A guessable value, or a postback key equal to another key, is treated as no value at all: everything
 * it would open stays shut, the log and readiness name the secret, and adding a good version fixes it
 * within the cache time.
 */
export function refuseWeakSecrets(inner: SecretSource, logger: Logger): SecretSource & { weakOnes(): Promise<SecretName[]> } {
  const reported = new Set<string>();
  const isWeak = (v: string | undefined) => v !== undefined && secretStrengthBits(v) < MIN_SECRET_BITS;
  const sharedWith = async (name: SecretName, value: string): Promise<SecretName | undefined> => {
    if (!DISTINCT.includes(name)) return undefined;
    for (const other of GUARDED) if (other !== name && (await inner.get(other)) === value) return other;
    return undefined;
  };
  const refused = async (name: SecretName, value: string | undefined): Promise<string | undefined> => {
    if (!GUARDED.includes(name) || value === undefined) return undefined;
    if (isWeak(value)) return 'too easy to guess';
    const twin = await sharedWith(name, value);
    return twin ? `same value as ${twin}` : undefined;
  };
  return {
    async get(name, opts) {
      const value = await inner.get(name, opts);
      const why = await refused(name, value);
      if (!why) return value;
      if (!reported.has(name)) {
        reported.add(name);
        logger.error(`secret refused: ${why}`, { secretName: name, minimumBits: MIN_SECRET_BITS });
      }
      return undefined;
    },
    async weakOnes() {
      const weak: SecretName[] = [];
      for (const name of GUARDED) if (await refused(name, await inner.get(name))) weak.push(name);
      return weak;
    },
  };
}
