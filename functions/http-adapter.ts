import type { Request, Response } from '@google-cloud/functions-framework';
import type { HttpReply } from './http-response';
import { HTML_SECURITY_HEADERS } from './html-security';

/** Writes a reply. JSON always, no caching: these answers are about this moment. */
export function send(res: Response, reply: HttpReply): void {
  res.status(reply.status);
  res.set('Cache-Control', 'no-store');
  for (const [k, v] of Object.entries(reply.headers ?? {})) res.set(k, v);
  res.json(reply.body);
}

export function sendHtml(res: Response, status: number, html: string): void {
  res.status(status);
  for (const [k, v] of Object.entries(HTML_SECURITY_HEADERS)) res.set(k, v);
  res.set('Content-Type', 'text/html; charset=utf-8');
  res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  res.set('X-Frame-Options', 'DENY');
  res.send(html);
}

/** The raw bytes of the body whatever parser the framework picked; we never trust its parse. */
export function rawBodyOf(req: Request): Buffer | undefined {
  const raw = (req as Request & { rawBody?: Buffer }).rawBody;
  if (raw) return raw;
  if (Buffer.isBuffer(req.body)) return req.body;
  if (typeof req.body === 'string') return Buffer.from(req.body);
  return undefined;
}
