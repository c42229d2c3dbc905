import { randomBytes } from 'node:crypto';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A token shaped like Fyers' (three base64url parts, HS256 header, `exp` in epoch seconds) but signed
 * with random bytes: the client must only ever decode it, never verify it.
 */
export function fakeJwt(payload: Record<string, unknown>): string {
  return `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload)}.${randomBytes(32).toString('base64url')}`;
}
