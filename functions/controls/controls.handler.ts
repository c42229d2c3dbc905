import * as v from 'valibot';
import { ControlsPatchSchema } from '../../shared/controls/controls-patch.schema';
import { InvalidAlertError, MethodNotAllowedError, NotFoundError } from '../../shared/errors';
import { newRequestId } from '../../shared/platform/ids';
import { istParts } from '../../shared/platform/ist';
import type { Clock } from '../../shared/platform/clock';
import type { Logger } from '../../shared/platform/logger';
import type { Notifier } from '../../shared/notify/notifier.port';
import type { AuditLog } from '../../shared/store/audit.port';
import type { ControlsChange, ControlsPatch, ControlsStore, RuntimeControls } from '../../shared/store/controls.port';
import { errorReply, type HttpReply } from '../http-response';
import { handleWebhookRegistrations, type WebhookRegistrationDeps } from './webhook-registrations';
import { bearerKey, type OperatorKeyGate } from '../operator-auth/operator-key';

export interface ControlsDeps {
  clock: Clock;
  logger: Logger;
  controls: ControlsStore;
  audit: AuditLog;
  operatorKey: OperatorKeyGate;
  notifier: Notifier;
  /** Hands this instance the new controls so the operator sees the change take effect here at once. */
  onChanged?: (after: RuntimeControls) => void;
  /** Outbound order-event webhooks (issue 13). */
  webhooks?: WebhookRegistrationDeps;
}

export interface ControlsRequest {
  method: string;
  /** Path below the function, e.g. '/', '/history', '/audit'. */
  path: string;
  query: Record<string, string | undefined>;
  authorization?: string;
  /** The caller's address, for the per-source limit on wrong keys. */
  source: string;
  rawBody?: Buffer;
}

function parsePatch(raw: Buffer | undefined) {
  let body: unknown;
  try {
    body = JSON.parse(raw?.toString('utf8') || '{}');
  } catch {
    throw new InvalidAlertError('The body is not valid JSON', { fields: { body: 'must be a JSON object' } });
  }
  const parsed = v.safeParse(ControlsPatchSchema, body);
  if (!parsed.success) {
    const fields: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const issue of parsed.issues) fields[v.getDotPath(issue) ?? 'body'] ??= issue.message;
    throw new InvalidAlertError('The change is invalid', { fields });
  }
  return parsed.output;
}

/**
 * Applies a change, drops this instance's cached controls, and tells the operator's phone: the one way
 * controls change, whether through this API or the console.
 */
export async function applyControlsChange(deps: ControlsDeps, change: ControlsPatch, actor: string, requestId: string): Promise<ControlsChange> {
  const result = await deps.controls.update(change, actor, deps.clock());
  deps.onChanged?.(result.after);
  deps.logger.info('controls changed', { actor: result.actor, before: result.before, after: result.after });
  await deps.notifier.notify({
    kind: 'controls.changed',
    severity: result.after.tradingEnabled ? 'info' : 'warning',
    summary: `Controls changed by ${result.actor}: ${JSON.stringify(typeof change === 'function' ? changedPart(result) : change)}`,
    at: result.at,
    requestId,
    details: { before: result.before, after: result.after },
  });
  return result;
}

/** The keys a change moved, with their new values (a cleared one as null). */
function changedPart({ before, after }: ControlsChange): Record<string, unknown> {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)] as (keyof RuntimeControls)[]);
  return Object.fromEntries([...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).map((k) => [k, after[k] ?? null]));
}

/**
 * The operator's switchboard: read the controls, change them (every change audited with who, when,
 * before and after), read their history, and read the alert audit trail by IST day and status.
 */
export async function handleControls(deps: ControlsDeps, req: ControlsRequest): Promise<HttpReply> {
  const requestId = newRequestId();
  try {
    await deps.operatorKey.verify(bearerKey(req.authorization), req.source);
    const path = req.path.replace(/\/+$/, '') || '/';
    if (path === '/') {
      if (req.method === 'GET') return { status: 200, body: { status: 'ok', controls: await deps.controls.get(), requestId } };
      if (req.method !== 'POST' && req.method !== 'PATCH') throw new MethodNotAllowedError('Use GET to read or POST to change the controls');
      const { actor, ...patch } = parsePatch(req.rawBody);
      const change: Partial<RuntimeControls> = {};
      if (patch.tradingEnabled !== undefined) change.tradingEnabled = patch.tradingEnabled;
      if (patch.reduceOnly !== undefined) change.reduceOnly = patch.reduceOnly;
      // null clears an override: the key is present with an undefined value.
      if (patch.maxLots !== undefined) change.maxLots = patch.maxLots ?? undefined;
      if (patch.dailyOrderCap !== undefined) change.dailyOrderCap = patch.dailyOrderCap ?? undefined;
      if (Object.keys(change).length === 0) throw new InvalidAlertError('Nothing to change', { fields: { body: 'name at least one of tradingEnabled, reduceOnly, maxLots, dailyOrderCap' } });
      const result = await applyControlsChange(deps, change, actor ?? 'operator', requestId);
      return { status: 200, body: { status: 'ok', controls: result.after, previous: result.before, requestId } };
    }
    if (path === '/webhooks' && deps.webhooks) return await handleWebhookRegistrations(deps.webhooks, req, requestId);
    if (req.method !== 'GET') throw new MethodNotAllowedError('Use GET');
    if (path === '/history') {
      const limit = Math.min(200, Math.max(1, Number(req.query.limit) || 50));
      return { status: 200, body: { status: 'ok', history: await deps.controls.history(limit), requestId } };
    }
    if (path === '/audit') {
      const day = req.query.day ?? istParts(deps.clock()).date;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new InvalidAlertError('Bad day', { fields: { day: 'must be YYYY-MM-DD (IST)' } });
      const limit = Math.min(500, Math.max(1, Number(req.query.limit) || 100));
      const entries = await deps.audit.list({ day, status: req.query.status || undefined, limit });
      return { status: 200, body: { status: 'ok', day, entries, requestId } };
    }
    throw new NotFoundError('Unknown path; use /, /history or /audit');
  } catch (e) {
    if (!(e instanceof Error && 'code' in e)) deps.logger.error('controls failed', { error: e });
    return errorReply(e, requestId);
  }
}
