import { randomBytes } from 'node:crypto';
import { InvalidAlertError, MethodNotAllowedError, NotFoundError, UnsafeTargetError } from '../../shared/errors';
import { resolveSafeTarget, type ResolveHost } from '../../shared/notify/safe-target';
import type { WebhookSubscriptionStore } from '../../shared/store/webhook-subscriptions.port';
import type { HttpReply } from '../http-response';

export interface WebhookRegistrationDeps {
  store: WebhookSubscriptionStore;
  resolve: ResolveHost;
  clock: () => number;
  /** Tests only (see safe-target.ts). */
  allowLoopbackForTests?: boolean;
}

/**
 * `/webhooks` under controls: GET lists (without secrets), POST {url, actor} registers (https and a
 * public address only, vetted by the same SSRF guard as notifications) and answers the signing secret
 * once, DELETE ?id= removes.
 */
export async function handleWebhookRegistrations(
  deps: WebhookRegistrationDeps,
  req: { method: string; query: Record<string, string | undefined>; rawBody?: Buffer },
  requestId: string,
): Promise<HttpReply> {
  if (req.method === 'GET') {
    const subs = await deps.store.list();
    return { status: 200, body: { status: 'ok', webhooks: subs.map(({ secret: _s, ...rest }) => rest), requestId } };
  }
  if (req.method === 'DELETE') {
    const id = req.query.id;
    if (!id) throw new InvalidAlertError('Which webhook?', { fields: { id: 'is required' } });
    if (!(await deps.store.remove(id))) throw new NotFoundError('No such webhook');
    return { status: 200, body: { status: 'ok', removed: id, requestId } };
  }
  if (req.method !== 'POST') throw new MethodNotAllowedError('Use GET, POST or DELETE');
  let body: { url?: unknown; actor?: unknown };
  try {
    body = JSON.parse(req.rawBody?.toString('utf8') || '{}') as typeof body;
  } catch {
    throw new InvalidAlertError('The body is not valid JSON', { fields: { body: 'must be {"url": "https://…"}' } });
  }
  if (typeof body.url !== 'string' || body.url.length > 2048) throw new InvalidAlertError('The webhook URL is missing', { fields: { url: 'must be an https URL' } });
  try {
    await resolveSafeTarget(body.url, { resolve: deps.resolve, allowLoopbackForTests: deps.allowLoopbackForTests });
  } catch (e) {
    if (e instanceof UnsafeTargetError) throw new InvalidAlertError(`The webhook URL is refused: ${e.publicMessage}`, { fields: { url: e.publicMessage } });
    throw e;
  }
  const sub = {
    id: `wh_${randomBytes(6).toString('hex')}`,
    url: body.url,
    secret: `whsec_${randomBytes(24).toString('base64url')}`,
    createdAt: deps.clock(),
    actor: typeof body.actor === 'string' ? body.actor.slice(0, 64) : 'operator',
  };
  await deps.store.add(sub);
  return { status: 201, body: { status: 'ok', webhook: { id: sub.id, url: sub.url, createdAt: sub.createdAt }, secret: sub.secret, requestId } };
}
