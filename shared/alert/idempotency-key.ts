import { sha256Hex } from '../platform/ids';

/**
 * The key that makes a delivery "the same alert". An explicit key (body field or Idempotency-Key
 * header) wins; otherwise the canonical body, without the token, stands for the alert and the
 * store treats a repeat within the dedup window as a replay.
 */
export interface AlertKey {
  key: string;
  /** True when the key is derived from the body, so it only deduplicates within the window. */
  fromBody: boolean;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value).sort().filter((k) => k !== 'token').map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function alertKey(body: Record<string, unknown>, explicit?: string): AlertKey {
  if (explicit) return { key: `k:${sha256Hex(explicit).slice(0, 40)}`, fromBody: false };
  return { key: `b:${sha256Hex(JSON.stringify(canonical(body))).slice(0, 40)}`, fromBody: true };
}

/**
 * Fyers orderTag for one claim: alphanumeric, at most 30 characters, unique per claim (a body key can be
 * reused after the dedup window, and the tag must then point at the new order, not the old one).
 */
export function orderTagFor(key: string, claimId: string): string {
  return 'tv' + sha256Hex(`${key}|${claimId}`).slice(0, 24);
}
