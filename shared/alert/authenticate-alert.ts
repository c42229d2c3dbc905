import { createHash, timingSafeEqual } from 'node:crypto';

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
