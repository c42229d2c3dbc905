import type { OrderReport } from './broker.port';

/**
 * What a postback's own signature says: `absent` when it carries none of the headers the broker might
 * sign with, `valid` when one matches the secret, `invalid` otherwise (a header that does not match,
 * or a header with no secret configured to check it against).
 */
export type PostbackSignature = 'absent' | 'valid' | 'invalid';

/** The broker's order postbacks: whether one is signed, which headers it came with, and where it points (Fyers: fyers.postback.ts). */
export interface PostbackReader {
  signature(raw: Buffer, headers: Record<string, string | string[] | undefined>, secret: string | undefined): PostbackSignature;
  parse(raw: Buffer): { ok: true; report: OrderReport } | { ok: false; reason: string };
}
