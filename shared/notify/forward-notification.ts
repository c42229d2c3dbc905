import http from 'node:http';
import https from 'node:https';
import { UnsafeTargetError } from '../errors';
import { istParts } from '../platform/ist';
import type { Logger } from '../platform/logger';
import type { Notification } from './notifier.port';
import { pinnedLookup, resolveSafeTarget, type ResolveHost } from './safe-target';

/**
 * Sends a notification to a chat webhook (NOTIFY_WEBHOOK_URL) as one readable line.
 *
 * Body: `{ "text": ..., "content": ... }` (the same text twice), which is accepted as-is by:
 *   - Slack incoming webhooks (`text`),
 *   - Discord webhooks (`content`),
 *   - Telegram Bot API `https://api.telegram.org/bot<token>/sendMessage?chat_id=<chat>` (`text`; the
 *     chat id goes in the query string),
 *   - any generic JSON receiver that reads either field.
 * Each service ignores the field meant for the other.
 *
 * The URL is vetted by the SSRF guard on every send and the connection is pinned to the vetted
 * address. The URL itself is never logged: Telegram and Slack URLs embed the credential.
 */
export interface ForwarderOptions {
  url: string;
  resolve: ResolveHost;
  logger: Logger;
  /** Whole-request deadline: connect, send, and response headers. */
  timeoutMs?: number;
  /** Tests only (see safe-target.ts). */
  allowLoopbackForTests?: boolean;
}

export type ForwardResult =
  | { ok: true; status: number }
  | { ok: false; reason: 'refused' | 'timeout' | 'network' | 'http_status'; retryable: boolean; status?: number };

/** Discord caps `content` at 2000 characters; leave room and cut cleanly. */
const MAX_TEXT = 1_900;

export function formatNotificationText(n: Notification): string {
  const t = istParts(n.at);
  const hhmm = `${String(Math.floor(t.minutes / 60)).padStart(2, '0')}:${String(t.minutes % 60).padStart(2, '0')}`;
  const text = `[${n.severity.toUpperCase()}] ${n.kind}: ${n.summary} (${t.date} ${hhmm} IST${n.requestId ? `, req ${n.requestId}` : ''})`;
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

export function createNotificationForwarder(opts: ForwarderOptions): (n: Notification) => Promise<ForwardResult> {
  const timeoutMs = opts.timeoutMs ?? 5_000;

  return async (n) => {
    let target;
    try {
      target = await resolveSafeTarget(opts.url, opts);
    } catch (e) {
      if (!(e instanceof UnsafeTargetError)) throw e;
      opts.logger.error('notification target refused', { kind: n.kind, reason: e.publicMessage, details: e.details });
      return { ok: false, reason: 'refused', retryable: false };
    }
    const text = formatNotificationText(n);
    const body = Buffer.from(JSON.stringify({ text, content: text }));
    const host = target.url.hostname;

    const result = await new Promise<ForwardResult>((resolve) => {
      const client = target.url.protocol === 'https:' ? https : http;
      const req = client.request(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(body.length), 'user-agent': 'order-bridge-notify/1' },
        lookup: pinnedLookup(target),
        // A fresh connection each time: a pooled socket could outlive the address check it was made under.
        agent: false,
      });
      const timer = setTimeout(() => {
        req.destroy();
        resolve({ ok: false, reason: 'timeout', retryable: true });
      }, timeoutMs);
      req.on('response', (res) => {
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        res.resume(); // drain; the body is not needed and may echo the request
        if (status >= 200 && status < 300) resolve({ ok: true, status });
        else resolve({ ok: false, reason: 'http_status', status, retryable: status === 429 || status >= 500 });
      });
      req.on('error', () => {
        clearTimeout(timer);
        resolve({ ok: false, reason: 'network', retryable: true });
      });
      req.end(body);
    });

    if (result.ok) opts.logger.info('notification forwarded', { kind: n.kind, host, status: result.status });
    else opts.logger.warn('notification forward failed', { kind: n.kind, host, ...result });
    return result;
  };
}
