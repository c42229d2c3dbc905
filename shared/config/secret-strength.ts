/**
 * A generous estimate of how many bits of guessing a secret costs: its length times log2 of the
 * alphabet its character classes span, and zero for values any attacker would try first (placeholders
 * from examples, one character repeated, one short pattern repeated). `openssl rand -hex 32` rates 256.
 */
const PLACEHOLDER = /^<.*>$|change[-_ ]?me|replace[-_ ]?me|changeit|placeholder|example|your[-_ ]|paper-demo-secret|xxxxxx|todo|dummy|^(secret|password|passw0rd|letmein|admin)\d*$/i;

export const MIN_SECRET_BITS = 128;

export function secretStrengthBits(value: string): number {
  if (PLACEHOLDER.test(value)) return 0;
  const chars = [...value];
  if (new Set(chars).size < 8) return 0;
  for (let k = 1; k <= chars.length / 2; k++) {
    if (chars.length % k === 0 && value === value.slice(0, k).repeat(chars.length / k)) return 0;
  }
  let alphabet = 0;
  if (/[a-z]/.test(value)) alphabet += 26;
  if (/[A-Z]/.test(value)) alphabet += 26;
  if (/[0-9]/.test(value)) alphabet += 10;
  if (/[^a-zA-Z0-9]/.test(value)) alphabet += 33;
  // Only hex digits: a hex encoding carries 4 bits a character, however many letters it uses.
  if (/^[0-9a-f]+$/i.test(value)) alphabet = 16;
  return Math.floor(chars.length * Math.log2(alphabet));
}

/** A problem line naming the variable, or undefined when the secret is strong enough. */
export function weakSecretProblem(name: string, value: string): string | undefined {
  const bits = secretStrengthBits(value);
  if (bits >= MIN_SECRET_BITS) return undefined;
  return `${name}: too easy to guess (about ${bits} bits; at least ${MIN_SECRET_BITS} needed with BROKER=fyers). Use e.g. the output of: openssl rand -hex 32`;
}
