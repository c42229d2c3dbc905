import { createHash, randomBytes } from 'node:crypto';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Short random id for correlating a request across logs, audit and responses. */
export function newRequestId(): string {
  return randomBytes(9).toString('base64url');
}

/** Unguessable single-use value (OAuth state, leases). */
export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
