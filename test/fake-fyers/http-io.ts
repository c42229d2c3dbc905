import type { IncomingMessage, ServerResponse } from 'node:http';

/** Reads the whole request body as text; the fake only ever sees small JSON bodies. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A reply the fake has decided on but not yet written, so faults can delay, replace or drop it. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** JSON-serialised when an object; written as-is when a string (HTML pages, empty bodies). */
  body?: unknown;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({ status, body, headers });

/** Fyers' failure envelope. */
export const fyersError = (status: number, code: number, message: string): Reply => json(status, { s: 'error', code, message });

export function writeReply(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.writableEnded) return;
  const isText = typeof reply.body === 'string' || reply.body === undefined;
  const payload = isText ? ((reply.body as string | undefined) ?? '') : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': isText ? 'text/html; charset=utf-8' : 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...reply.headers,
  });
  res.end(payload);
}
