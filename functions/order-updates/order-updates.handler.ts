import type { PostbackReader } from '../../shared/broker/postback.port';
import type { LifecycleDeps } from '../../shared/orders/lifecycle/lifecycle.deps';
import { applyPostback } from '../../shared/orders/lifecycle/order-tracker';
import { newRequestId } from '../../shared/platform/ids';
import type { SecretSource } from '../../shared/secrets/secrets.port';
import type { HttpReply } from '../http-response';
import { createHeaderNamesLog } from './header-names-log';
import { postbackTokenOf, sameToken } from './postback-token';

export interface OrderUpdatesDeps extends LifecycleDeps {
  secrets: SecretSource;
  /** Reads the broker's postbacks and their signature headers. */
  postbacks: PostbackReader;
  /** Which postbacks of the day log their header names (one per instance; tests pass their own). */
  headerNames?: ReturnType<typeof createHeaderNamesLog>;
  /**
   * How long the answer waits for the follow-up (commit, exits, events): the returned promise settles when
   * the follow-up has ended or the answer must go regardless. Absent: the answer waits for none of it.
   */
  followUpWindow?: (followUp: Promise<unknown>) => Promise<unknown>;
}

export interface OrderUpdateRequest {
  method: string;
  /** The request's path and query as received: the postback URL carries the token. */
  url?: string;
  rawBody: Buffer | undefined;
  headers: Record<string, string | string[] | undefined>;
}

const MAX_BODY_BYTES = 64 * 1024;
const sharedHeaderNames = createHeaderNamesLog();

/**
 * The one answer to every postback that is unusable or not authenticated, byte for byte: whether the
 * token, the signature, the body or the order was wrong must not be learnable from the answer.
 */
export const IGNORED: HttpReply = Object.freeze({ status: 200, body: Object.freeze({ status: 'ignored' }) }) as HttpReply;

/**
 * Fyers order postbacks. Fyers blacklists a URL for 30 minutes after repeated non-200 answers, and a
 * blacklisted URL loses every fill until it lifts; so every postback, however bad, answers 200. A
 * postback is authentic when its URL carries the postback token (and its signature header, if it
 * has one, matches the postback secret). Even then it only names an order to look at: the record moves
 * by the broker's orderbook row (shared/orders/lifecycle/order-tracker.ts applyPostback). Anything
 * that fails is left to the one-minute reconcile, and the answer waits for none of it beyond its window.
 */
export async function handleOrderUpdate(deps: OrderUpdatesDeps, req: OrderUpdateRequest): Promise<HttpReply> {
  const requestId = newRequestId();
  const log = deps.logger.child({ requestId, function: 'orderUpdates' });
  const names = (deps.headerNames ?? sharedHeaderNames).take(deps.clock(), req.headers);
  if (names) log.info('postback headers (names only)', { headerNames: names });
  if (req.method !== 'POST') return IGNORED;
  const raw = req.rawBody;
  if (!raw || raw.length === 0 || raw.length > MAX_BODY_BYTES) {
    log.warn('postback ignored: empty or oversized body', { bytes: raw?.length ?? 0 });
    return IGNORED;
  }
  let token: string | undefined;
  let secret: string | undefined;
  try {
    [token, secret] = await Promise.all([deps.secrets.get('fyers-postback-token'), deps.secrets.get('fyers-postback-secret')]);
  } catch (e) {
    // Secret Manager unreachable (a cold instance, or one idle past the secrets' stale window): the
    // framework would answer 500 for a throw, and Fyers blacklists the URL. The reconcile follows it.
    log.error('postback ignored: its secrets could not be read; the reconcile will follow the order', { error: e });
    return IGNORED;
  }
  if (!token) {
    log.error('postback ignored: fyers-postback-token has no value, so no postback can be authenticated');
    return IGNORED;
  }
  if (!sameToken(postbackTokenOf(req.url), token)) {
    log.warn('postback ignored: the URL does not carry the postback token');
    return IGNORED;
  }
  const signature = deps.postbacks.signature(raw, req.headers, secret);
  if (signature === 'invalid') {
    // The URL was right, so this is probably Fyers: the dashboard's secret and Secret Manager's differ.
    log.error('postback ignored: its signature header does not match fyers-postback-secret', { secretConfigured: Boolean(secret) });
    return IGNORED;
  }
  const parsed = deps.postbacks.parse(raw);
  if (!parsed.ok) {
    log.warn('postback ignored: unreadable', { reason: parsed.reason });
    return IGNORED;
  }
  const hint = parsed.report;
  // The follow-up reads the record and the paced broker port, commits, then places exits and publishes.
  // The answer waits for it, but only within a window: a Cloud Run function has CPU only while a request
  // is open, so work left after the answer crawls until the next request and a fill's exits would wait
  // on it; yet a clash with another transaction on the same record (the order path creating the record
  // this postback raced, a duplicate postback, the reconcile) took 2-4.6 s on the Firestore emulator, and
  // Fyers blacklists a URL that answers slowly. So a follow-up still running when the window closes goes
  // on in the background (a shutdown waits for it, bounded) and the one-minute reconcile finishes what it
  // does not.
  const work = applyPostback(deps, hint).then(
    (result) => log.info('postback followed', { orderId: hint.orderId, signature, result }),
    (e: unknown) => log.error('postback could not be followed; the reconcile will', { orderId: hint.orderId, error: e }),
  );
  deps.background?.(work);
  await deps.followUpWindow?.(work);
  return { status: 200, body: { status: 'accepted', requestId } };
}
