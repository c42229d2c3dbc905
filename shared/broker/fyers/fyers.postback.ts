import { createHmac, timingSafeEqual } from 'node:crypto';
import type { OrderReport } from '../broker.port';
import type { PostbackSignature } from '../postback.port';
import { toOrderReport } from './fyers.orderbook';

/**
 * Fyers order postbacks. The API dashboard takes a URL and a secret; the payload is the orderbook row
 * as raw JSON. How (or whether) the secret travels is not stated in any source we found (one
 * third-party client checks a hex HMAC-SHA256 of the raw body in `X-Fyers-Signature`). So the bridge's
 * primary check is a token in the postback URL (functions/order-updates), and a signature header,
 * when one is present, must also match: an HMAC-SHA256 of the raw body (hex or base64) or the secret
 * itself, compared in constant time. Nothing in a postback is trusted beyond "look at this order".
 */
export const POSTBACK_SIGNATURE_HEADERS = ['x-fyers-signature', 'x-signature', 'x-fyers-secret', 'x-webhook-secret'] as const;

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function fyersPostbackSignature(raw: Buffer, headers: Record<string, string | string[] | undefined>, secret: string | undefined): PostbackSignature {
  const presented: string[] = [];
  for (const name of POSTBACK_SIGNATURE_HEADERS) {
    const h = headers[name];
    const value = (Array.isArray(h) ? h[0] : h)?.trim();
    if (value) presented.push(value);
  }
  if (presented.length === 0) return 'absent';
  if (!secret) return 'invalid';
  const mac = createHmac('sha256', secret).update(raw).digest();
  const accepted = [mac.toString('hex'), mac.toString('base64'), `sha256=${mac.toString('hex')}`, secret];
  // Every header present must match one reading; every candidate is compared, so the time taken does
  // not tell which one (or which header) matched.
  let ok = true;
  for (const value of presented) {
    let one = false;
    for (const a of accepted) one = same(value, a) || one;
    ok = ok && one;
  }
  return ok ? 'valid' : 'invalid';
}

export type ParsedPostback = { ok: true; report: OrderReport } | { ok: false; reason: string };

export function parseFyersPostback(raw: Buffer): ParsedPostback {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  // Some senders wrap the row (`{"d": {...}}` on Fyers' order socket); accept either.
  const row = body && typeof body === 'object' && 'd' in body && typeof (body as { d: unknown }).d === 'object' ? (body as { d: unknown }).d : body;
  const report = toOrderReport(row, { unknownStatus: 'skip' });
  return report ? { ok: true, report } : { ok: false, reason: 'not an order update we can read' };
}
