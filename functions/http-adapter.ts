import type { Request, Response } from '@google-cloud/functions-framework';
import type { HttpReply } from './http-response';
import { htmlSecurityHeaders } from './http-security-headers';
import { MAX_REQUEST_BODY_BYTES } from './request-body-guard';
import { PayloadTooLargeError } from '../shared/errors';

/** Writes a reply. JSON always, no caching: these answers are about this moment. */
export function send(res: Response, reply: HttpReply): void {
  res.status(reply.status);
  res.set('Cache-Control', 'no-store');
  for (const [k, v] of Object.entries(reply.headers ?? {})) res.set(k, v);
  res.json(reply.body);
}

export function sendHtml(res: Response, status: number, html: string, opts: { formTargets?: readonly string[] } = {}): void {
  res.status(status);
  for (const [k, v] of Object.entries(htmlSecurityHeaders(opts))) res.set(k, v);
  res.send(html);
}

/**
 * The body's bytes whatever its Content-Type: the framework's parsers skip a body that names no type,
 * so that one is read here (the request guard has already bounded its size).
 */
export async function readBody(req: Request, limit = MAX_REQUEST_BODY_BYTES): Promise<Buffer | undefined> {
  const parsed = rawBodyOf(req);
  if (parsed) return parsed;
  if (!req.readable || req.readableEnded) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new PayloadTooLargeError(`The body is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return size > 0 ? Buffer.concat(chunks) : undefined;
}

/** The raw bytes of the body whatever parser the framework picked; we never trust its parse. */
export function rawBodyOf(req: Request): Buffer | undefined {
  const raw = (req as Request & { rawBody?: Buffer }).rawBody;
  if (raw) return raw;
  if (Buffer.isBuffer(req.body)) return req.body;
  if (typeof req.body === 'string') return Buffer.from(req.body);
  return undefined;
}
