import http from 'node:http';
import https from 'node:https';
import { UnsafeTargetError } from '../../errors';
import { pinnedLookup, resolveSafeTarget, type ResolveHost } from '../../notify/safe-target';
import type { Logger } from '../../platform/logger';
import type { OrderEventV1 } from './order-event';
import type { WebhookSubscriptionStore } from '../../store/webhook-subscriptions.port';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhook } from '../../notify/webhook-signature';

export interface DeliveryDeps {
  subscriptions: WebhookSubscriptionStore;
  resolve: ResolveHost;
  logger: Logger;
  clock: () => number;
  timeoutMs: number;
  /** Tests only (see safe-target.ts). */
  allowLoopbackForTests?: boolean;
}

export type DeliveryResult = { id: string; ok: boolean; retryable: boolean; status?: number; reason?: string };

async function post(deps: DeliveryDeps, url: string, body: string, headers: Record<string, string>): Promise<Omit<DeliveryResult, 'id'>> {
  let target;
  try {
    target = await resolveSafeTarget(url, { resolve: deps.resolve, allowLoopbackForTests: deps.allowLoopbackForTests });
  } catch (e) {
    if (e instanceof UnsafeTargetError) return { ok: false, retryable: false, reason: e.publicMessage };
    throw e;
  }
  return new Promise((resolve) => {
    const client = target.url.protocol === 'https:' ? https : http;
    const req = client.request(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'tv-fyers-bridge-events/1', ...headers },
      lookup: pinnedLookup(target),
      agent: false,
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ ok: false, retryable: true, reason: 'timeout' });
    }, deps.timeoutMs);
    req.on('response', (res) => {
      clearTimeout(timer);
      res.resume();
      const status = res.statusCode ?? 0;
      resolve(status >= 200 && status < 300 ? { ok: true, retryable: false, status } : { ok: false, retryable: status === 429 || status >= 500 || status === 408, status, reason: 'http_status' });
    });
    req.on('error', () => {
      clearTimeout(timer);
      resolve({ ok: false, retryable: true, reason: 'network' });
    });
    req.end(body);
  });
}

/**
 * Sends one order event to every registered subscriber, signed (see webhook-signature.ts). Throws when
 * a delivery failed in a way worth retrying, so Pub/Sub redelivers with backoff and, after its
 * attempts, dead-letters the message. A redelivery goes to every subscriber again: subscribers
 * de-duplicate on X-Bridge-Event-Id. URLs are re-vetted on every send (DNS can change).
 */
export async function deliverOrderEvent(deps: DeliveryDeps, event: OrderEventV1): Promise<DeliveryResult[]> {
  const subs = await deps.subscriptions.list();
  const body = JSON.stringify(event);
  const results = await Promise.all(
    subs.map(async (s) => {
      const t = Math.floor(deps.clock() / 1000);
      const r = await post(deps, s.url, body, { [SIGNATURE_HEADER]: signWebhook(s.secret, body, t), [EVENT_ID_HEADER]: event.eventId });
      const host = (() => {
        try {
          return new URL(s.url).hostname;
        } catch {
          return '?';
        }
      })();
      if (r.ok) deps.logger.info('order event delivered', { subscription: s.id, host, eventId: event.eventId, status: r.status });
      else deps.logger.warn('order event delivery failed', { subscription: s.id, host, eventId: event.eventId, ...r });
      return { id: s.id, ...r };
    }),
  );
  const retry = results.filter((r) => !r.ok && r.retryable);
  if (retry.length > 0) throw new Error(`order event ${event.eventId} not delivered to ${retry.map((r) => r.id).join(', ')}; Pub/Sub will retry`);
  return results;
}
