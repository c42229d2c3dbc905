import type { PostbackReader } from '../../shared/broker/postback.port';
import type { LifecycleDeps } from '../../shared/orders/lifecycle/lifecycle.deps';
import { applyBrokerReport } from '../../shared/orders/lifecycle/order-tracker';
import { newRequestId } from '../../shared/platform/ids';
import type { SecretSource } from '../../shared/secrets/secrets.port';
import type { HttpReply } from '../http-response';

export interface OrderUpdatesDeps extends LifecycleDeps {
  secrets: SecretSource;
  /** Verifies and reads the broker's postbacks. */
  postbacks: PostbackReader;
  /** Answer by this long even if reactions (exits) are still running; the reconcile finishes what is left. */
  answerWithinMs: number;
}

export interface OrderUpdateRequest {
  method: string;
  rawBody: Buffer | undefined;
  headers: Record<string, string | string[] | undefined>;
}

const MAX_BODY_BYTES = 64 * 1024;
const ok = (status: string, requestId: string): HttpReply => ({ status: 200, body: { status, requestId } });

/**
 * Fyers order postbacks. Fyers blacklists a URL for 30 minutes after repeated non-200 answers, and a
 * blacklisted URL loses every fill until it lifts; so everything that is not a server fault answers
 * 200: unsigned, malformed, unknown orders are logged (ERROR for a bad signature, which usually means
 * the secret in the dashboard and Secret Manager differ) and acknowledged without effect.
 * Only a failure to record a valid update answers 503, so Fyers retries it.
 */
export async function handleOrderUpdate(deps: OrderUpdatesDeps, req: OrderUpdateRequest): Promise<HttpReply> {
  const requestId = newRequestId();
  const log = deps.logger.child({ requestId, function: 'orderUpdates' });
  if (req.method !== 'POST') return ok('ignored', requestId);
  const raw = req.rawBody;
  if (!raw || raw.length === 0 || raw.length > MAX_BODY_BYTES) {
    log.warn('postback ignored: empty or oversized body', { bytes: raw?.length ?? 0 });
    return ok('ignored', requestId);
  }
  const secret = await deps.secrets.get('fyers-postback-secret');
  if (!secret || !deps.postbacks.verify(raw, req.headers, secret)) {
    log.error('postback ignored: not signed with the postback secret', { secretConfigured: Boolean(secret) });
    return ok('ignored', requestId);
  }
  const parsed = deps.postbacks.parse(raw);
  if (!parsed.ok) {
    log.warn('postback ignored: unreadable', { reason: parsed.reason });
    return ok('ignored', requestId);
  }
  const r = parsed.report;
  // Answered once the change is committed: exits and event publishing go on without Fyers waiting.
  const work = applyBrokerReport(deps, r, undefined, { detach: true });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), deps.answerWithinMs);
  });
  try {
    const result = await Promise.race([work, late]);
    if (result === 'late') {
      work.catch((e: unknown) => log.error('postback processing failed after the answer', { orderId: r.orderId, error: e }));
      log.warn('postback still being processed; answered early', { orderId: r.orderId });
      return ok('accepted', requestId);
    }
    log.info('postback', { orderId: r.orderId, state: r.state, filledQty: r.filledQty, result });
    return ok(result, requestId);
  } catch (e) {
    log.error('postback could not be recorded; Fyers will retry', { orderId: r.orderId, error: e });
    return { status: 503, body: { status: 'error', requestId } };
  } finally {
    clearTimeout(timer);
  }
}
