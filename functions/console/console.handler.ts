import * as v from 'valibot';
import { TooManyRequestsError, UnauthorizedError } from '../../shared/errors';
import { ControlsPatchSchema } from '../../shared/controls/controls-patch.schema';
import type { Clock } from '../../shared/platform/clock';
import { newRequestId } from '../../shared/platform/ids';
import type { Logger } from '../../shared/platform/logger';
import type { SecretSource } from '../../shared/secrets/secrets.port';
import type { RuntimeControls } from '../../shared/store/controls.port';
import { applyControlsChange, type ControlsDeps } from '../controls/controls.handler';
import type { OperatorKeyGate } from '../operator-auth/operator-key';
import { actionConfirmPage, actionDonePage, confirmPage, dashboardPage, duration, limitsPage, loginPage, messagePage } from './console-pages';
import { clearedSessionCookie, csrfMatches, csrfTokenFor, issueSession, sessionCookie, verifySession, type ConsoleSession } from './console-session';
import { gatherConsoleView, type ConsoleViewDeps } from './console-view';
import type { ConsoleLogouts } from './console-logouts';
import { actionFields, actionFrom, runConsoleAction, type ConsoleActionDeps } from './console-actions';

export interface ConsoleDeps {
  clock: Clock;
  logger: Logger;
  secrets: SecretSource;
  view: ConsoleViewDeps;
  /** Changes go through the same path as the controls API: audited, cache dropped, phone told. */
  controls: ControlsDeps;
  /** The operator-key check with its per-address attempt limit, shared with the login page. */
  operatorKey: OperatorKeyGate;
  /** The Fyers login page (the authUrl function). */
  loginUrl?: string;
  /** Exit one holding, cancel one order, flatten one strategy: each a plan for the one executor. */
  actions: ConsoleActionDeps;
  sessionTtlMs: number;
  defaultMaxLots: number;
  /** Server-side logout: a revoked session's cookie opens nothing anywhere. */
  logouts: ConsoleLogouts;
}

export interface ConsoleRequest {
  method: string;
  /** Path below the function: '/', '/login', '/confirm', '/apply', '/logout'. */
  path: string;
  /** Where the function is mounted ('' in the cloud, '/console' on the local server), for links and form actions. */
  base: string;
  query: Record<string, string | undefined>;
  form: Record<string, string>;
  cookie?: string;
  sourceIp: string;
  /** The browser's Sec-Fetch-Site header, when it sent one. */
  fetchSite?: string;
  /** The browser's Origin header and the Host the request was sent to, to refuse cross-site posts. */
  origin?: string;
  host?: string;
}

/**
 * A post another site made the operator's browser send. Sec-Fetch-Site where the browser sends it;
 * otherwise Origin against Host (browsers send Origin on every cross-origin POST).
 */
function crossSitePost(req: ConsoleRequest): boolean {
  if (req.fetchSite !== undefined) return req.fetchSite !== 'same-origin' && req.fetchSite !== 'none';
  if (!req.origin || !req.host) return false;
  try {
    return new URL(req.origin).host !== req.host;
  } catch {
    return true;
  }
}

export type ConsoleReply = { status: number; html: string; headers?: Record<string, string> } | { status: 303; location: string; headers?: Record<string, string> };

const CONTROL_KEYS = ['tradingEnabled', 'reduceOnly', 'maxLots', 'dailyOrderCap'] as const;

/**
 * The change a form asks for, against the controls as they are now: only what differs, with the form
 * fields to post again on confirmation ('' clears an override).
 */
function changeFrom(form: Record<string, string>, current: RuntimeControls): { change: Partial<RuntimeControls>; echo: Record<string, string> } | { error: string } {
  const raw: Record<string, unknown> = {};
  for (const k of CONTROL_KEYS) {
    if (form[k] === undefined) continue;
    raw[k] = (k === 'maxLots' || k === 'dailyOrderCap') && form[k].trim() === '' ? null : form[k];
  }
  const parsed = v.safeParse(ControlsPatchSchema, raw);
  if (!parsed.success) return { error: parsed.issues.map((i) => `${v.getDotPath(i) ?? 'form'}: ${i.message}`).join('; ') };
  const change: Partial<RuntimeControls> = {};
  const echo: Record<string, string> = {};
  for (const k of CONTROL_KEYS) {
    if (!(k in parsed.output)) continue;
    const next = parsed.output[k] ?? undefined;
    if (next === current[k]) continue;
    (change as Record<string, unknown>)[k] = next;
    echo[k] = next === undefined ? '' : String(next);
  }
  return { change, echo };
}

const FLASH: Record<string, string> = { '1': 'Controls changed. Your phone was notified.', '0': 'Nothing changed: the controls already had those values.' };

/**
 * The operator's page: one login with the operator key (attempts limited per address), then a short
 * signed session cookie; every change is a POST carrying the session's CSRF token and goes through a
 * confirmation page first.
 */
export async function handleConsole(deps: ConsoleDeps, req: ConsoleRequest): Promise<ConsoleReply> {
  const key = await deps.secrets.get('controls-key');
  if (!key) return { status: 503, html: messagePage('Console unavailable', 'The controls-key secret has no value yet.', req.base) };
  const now = deps.clock();
  const path = req.path.replace(/\/+$/, '') || '/';
  const home = `${req.base}/`;

  if (path === '/login') {
    if (req.method !== 'POST') return { status: 303, location: home };
    // A login form another site auto-posts from the operator's browser is refused before its key is
    // compared or counted: it can neither log the operator in nor spend the address's attempts.
    if (crossSitePost(req)) {
      deps.logger.warn('console login refused: posted from another site', { fetchSite: req.fetchSite });
      return { status: 403, html: messagePage('Refused', 'This login did not come from the console page. Open the console and log in there.', req.base) };
    }
    try {
      await deps.operatorKey.verify(req.form.key, req.sourceIp);
    } catch (e) {
      if (e instanceof TooManyRequestsError) {
        const retryAfterMs = Math.max(1000, Number(e.details?.retryAfterMs ?? 1000));
        return { status: 429, html: loginPage(req.base, `Too many wrong keys from this address. Try again in ${duration(retryAfterMs)}.`, 'locked'), headers: { 'Retry-After': String(Math.ceil(retryAfterMs / 1000)) } };
      }
      if (e instanceof UnauthorizedError) return { status: 401, html: loginPage(req.base, 'That operator key is not valid.') };
      throw e;
    }
    // Signed with the key that was presented and matched, not the one read before the check: a key
    // rotated minutes ago matches only a fresh read, and a cookie signed with the remembered old key
    // would be refused on the very next page.
    const { cookieValue, session: started } = issueSession(req.form.key!, now, deps.sessionTtlMs);
    await deps.logouts.stillLive(started.id, started.expiresAt, now);
    deps.logger.info('console session started');
    return { status: 303, location: home, headers: { 'Set-Cookie': sessionCookie(cookieValue, deps.sessionTtlMs) } };
  }

  const signed = verifySession(key, req.cookie, now);
  const session = signed && (await deps.logouts.stillLive(signed.id, signed.expiresAt, now)) ? signed : undefined;
  if (!session) {
    if (req.method === 'GET' && path === '/') return { status: 200, html: loginPage(req.base) };
    // No session, no change: the login page follows. The cookie is left alone, so a post from anywhere
    // without a session (another site's form) cannot log the operator out.
    return { status: 303, location: home };
  }

  if (req.method === 'POST') {
    if (crossSitePost(req) || !csrfMatches(key, session, req.form.csrf)) {
      deps.logger.warn('console change refused: missing or wrong CSRF token', { fetchSite: req.fetchSite });
      return { status: 403, html: messagePage('Refused', 'This form did not come from your console session, so nothing was changed. Open the console again and retry.', req.base) };
    }
  }
  const ctx = (s: ConsoleSession) => ({ base: req.base, csrf: csrfTokenFor(key, s), loginUrl: deps.loginUrl, sessionExpiresAt: s.expiresAt });

  if (path === '/' && req.method === 'GET') {
    const view = await gatherConsoleView(deps.view);
    return { status: 200, html: dashboardPage(view, { ...ctx(session), flash: FLASH[req.query.changed ?? ''], only: req.query.only === 'refusals' ? 'refusals' : undefined }) };
  }
  // The limits form lives on its own page: the dashboard refreshes itself, which would wipe a half-typed value.
  if (path === '/limits' && req.method === 'GET') {
    const current = await deps.controls.controls.get();
    return { status: 200, html: limitsPage(current, deps.defaultMaxLots, ctx(session), now) };
  }
  if (req.method !== 'POST') return { status: 405, html: messagePage('Not here', 'Use the buttons on the console.', req.base), headers: { Allow: 'POST' } };

  if (path === '/logout') {
    await deps.logouts.revoke(session.id, session.expiresAt, now);
    deps.logger.info('console session ended');
    return { status: 303, location: home, headers: { 'Set-Cookie': clearedSessionCookie() } };
  }

  if (path === '/confirm' || path === '/apply') {
    const current = await deps.controls.controls.get();
    const asked = changeFrom(req.form, current);
    if ('error' in asked) return { status: 400, html: messagePage('That change is not valid', asked.error, req.base) };
    if (Object.keys(asked.change).length === 0) return { status: 303, location: `${home}?changed=0` };
    if (path === '/confirm') {
      return { status: 200, html: confirmPage({ ...ctx(session), before: current, form: asked.echo, change: asked.change, defaultMaxLots: deps.defaultMaxLots }, now) };
    }
    await applyControlsChange(deps.controls, asked.change, 'console', newRequestId());
    return { status: 303, location: `${home}?changed=1` };
  }
  if (path === '/act' || path === '/do') {
    const action = actionFrom(req.form);
    if ('error' in action) return { status: 400, html: messagePage('That action is not valid', action.error, req.base) };
    if (path === '/act') {
      const view = await gatherConsoleView(deps.view);
      return { status: 200, html: actionConfirmPage(action, actionFields(action), view, ctx(session)) };
    }
    const result = await runConsoleAction(deps.actions, action);
    return { status: result.ok ? 200 : 502, html: actionDonePage(result, ctx(session), now) };
  }
  return { status: 404, html: messagePage('Not found', 'There is no such page in the console.', req.base) };
}
