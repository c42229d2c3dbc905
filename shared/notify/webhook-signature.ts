import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Outbound order-event webhooks are signed so a subscriber can tell them from forgeries and replays:
 *   X-Bridge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 * The timestamp is inside the MAC, so an old delivery cannot be replayed with a fresh time; a
 * subscriber refuses signatures older than its tolerance (5 minutes here).
 */
export const SIGNATURE_HEADER = 'x-bridge-signature';
export const EVENT_ID_HEADER = 'x-bridge-event-id';

export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export function verifyWebhook(secret: string, body: string, header: string | undefined, nowUnixSeconds: number, toleranceSeconds = 300): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowUnixSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  const given = Buffer.from(parts.v1);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
