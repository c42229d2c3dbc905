import type { IncomingMessage } from 'node:http';
import { clientIpFrom } from '../webhook/source-guard';

/**
 * The caller's address for per-source limits: the entry Google's front end appended to X-Forwarded-For
 * (the one-port local server replaces that header with the socket's address, as nothing is in front of it).
 */
export function requestSource(req: IncomingMessage): string {
  const xff = req.headers['x-forwarded-for'];
  return clientIpFrom(Array.isArray(xff) ? xff.join(',') : xff, req.socket?.remoteAddress) || 'unknown';
}
