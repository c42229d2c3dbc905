import { createHash, timingSafeEqual } from 'node:crypto';
import type { SecretName, SecretSource } from '../secrets/secrets.port';

/**
 * Constant-time comparison of the alert's token with the webhook secret. Hashing both first makes
 * the comparison length-independent, so the secret's length does not leak through timing either.
 */
export function tokenMatches(presented: string, secret: string | undefined): boolean {
  if (!secret) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}

/**
 * Whether `presented` is the named secret. A key that does not match the remembered value is compared
 * once more with a fresh read before it is refused: the secret may have been rotated minutes ago, and
 * a source answers from memory for a while (TradingView does not resend a refused alert). The fresh
 * read is remembered in turn, so wrong keys cost at most one read per cache time.
 */
export async function presentedSecretMatches(secrets: SecretSource, name: SecretName, presented: string): Promise<boolean> {
  if (tokenMatches(presented, await secrets.get(name))) return true;
  return tokenMatches(presented, await secrets.get(name, { fresh: true }));
}
