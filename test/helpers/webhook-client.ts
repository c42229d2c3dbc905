import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { status?: string; requestId?: string; error?: { code?: string; message?: string; fields?: Record<string, string> } };
}

export interface PostOptions {
  contentType?: string;
  headers?: Record<string, string>;
  method?: string;
}

/** Listens on an ephemeral loopback port and returns a poster for it; close the server when done. */
export async function listen(server: Server): Promise<{ url: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Sends an alert the way TradingView does: the message as the body, text/plain unless told otherwise. */
export async function postAlert(url: string, body: unknown, opts: PostOptions = {}): Promise<WebhookAnswer> {
  const method = opts.method ?? 'POST';
  const res = await fetch(url, {
    method,
    headers: { 'content-type': opts.contentType ?? 'text/plain', ...(opts.headers ?? {}) },
    body: method === 'GET' || method === 'HEAD' ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: WebhookAnswer['body'];
  try {
    parsed = JSON.parse(text) as WebhookAnswer['body'];
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, headers: res.headers, body: parsed };
}
