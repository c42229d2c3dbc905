import { TooManyRequestsError, UnauthorizedError } from '../../shared/errors';
import type { Broker } from '../../shared/broker/broker.port';
import { randomToken } from '../../shared/platform/ids';
import { formatIst } from '../../shared/platform/ist';
import type { Clock } from '../../shared/platform/clock';
import type { Logger } from '../../shared/platform/logger';
import { assessTradingReadiness, readinessBlockers } from '../../shared/risk/trading-readiness';
import type { TradingWindow } from '../../shared/risk/trading-window';
import type { ControlsStore } from '../../shared/store/controls.port';
import type { OAuthStateStore } from '../../shared/store/oauth-state.port';
import type { AccessTokens } from '../../shared/tokens/access-token-provider';
import type { BrokerLogin } from '../../shared/tokens/broker-login.port';
import type { TokenStore } from '../../shared/tokens/token.port';
import { originOf } from '../http-security-headers';
import type { OperatorKeyGate } from '../operator-auth/operator-key';
import { loginErrorPage, loginFormPage, loginResultPage } from './auth-pages';

export interface AuthDeps {
  clock: Clock;
  logger: Logger;
  operatorKey: OperatorKeyGate;
  /** Undefined on the paper broker, which needs no login. */
  login?: BrokerLogin;
  states: OAuthStateStore;
  tokens: TokenStore;
  accessTokens: AccessTokens;
  broker: Broker;
  controls: ControlsStore;
  stateTtlMs: number;
  /** The exchange session, so the result page says what readyz says. */
  session: { window: (nowMs: number) => TradingWindow; enforce: boolean };
}

/** `formTargets`: origins the page's form may lead to besides this one (CSP form-action). */
export type HtmlReply = { status: number; html: string; formTargets?: string[]; retryAfterS?: number } | { status: 303; location: string };

export interface AuthUrlRequest {
  method: string;
  form: Record<string, string>;
  /**
   * Where the form posts: the function's own mount point ('/' on Cloud Run, '/authUrl' on the one-port
   * server), never anything taken from the request's URL, which a link can make point anywhere.
   */
  formAction: string;
  /** The caller's address, for the per-source limit on wrong keys. */
  source: string;
}

/**
 * GET shows a form for the operator key; POST checks it, stores a single-use expiring `state`, and
 * sends the browser to Fyers. The key travels in the form body so it never lands in request logs.
 */
export async function handleAuthUrl(deps: AuthDeps, req: AuthUrlRequest): Promise<HtmlReply> {
  const login = deps.login;
  if (!login) {
    const blockers = readinessBlockers(assessTradingReadiness({ now: deps.clock(), tradingEnabled: (await deps.controls.get()).tradingEnabled, session: { valid: true }, window: deps.session.window(deps.clock()), enforceWindow: deps.session.enforce }));
    const detail = 'This deployment uses the paper broker: no Fyers login is needed.';
    return { status: 200, html: loginResultPage(blockers.length ? { live: false, detail: `${detail} ${blockers.join('. ')}.` } : { live: true, detail }) };
  }
  // The form's answer is a redirect to Fyers' login page, which CSP form-action must allow too.
  const formTargets = [originOf(login.authCodeUrl('csp'))].filter((o): o is string => Boolean(o));
  if (req.method === 'GET') return { status: 200, html: loginFormPage(req.formAction), formTargets };
  if (req.method !== 'POST') return { status: 405, html: loginErrorPage('Method not allowed', 'Open this page with GET.') };
  try {
    await deps.operatorKey.verify(req.form.key, req.source);
  } catch (e) {
    if (e instanceof TooManyRequestsError) {
      const retryAfterS = Math.max(1, Math.ceil(Number(e.details?.retryAfterMs ?? 1000) / 1000));
      return { status: 429, html: loginFormPage(req.formAction, `Too many wrong keys from here. Wait ${retryAfterS} s before trying again.`), formTargets, retryAfterS };
    }
    if (e instanceof UnauthorizedError) return { status: 401, html: loginFormPage(req.formAction, 'That operator key is not valid.'), formTargets };
    throw e;
  }
  const state = randomToken(24);
  await deps.states.create(state, deps.clock() + deps.stateTtlMs);
  deps.logger.info('login started');
  return { status: 303, location: login.authCodeUrl(state) };
}

/**
 * Fyers redirects the browser here with `auth_code` and our `state`. The state is consumed first, so
 * a replayed or forged callback stores nothing; then the code is exchanged and the session verified.
 */
export async function handleAuthCallback(deps: AuthDeps, query: Record<string, string | undefined>): Promise<HtmlReply> {
  if (!deps.login) return { status: 404, html: loginErrorPage('No login here', 'This deployment uses the paper broker.') };
  const state = query.state ?? '';
  const code = query.auth_code ?? '';
  if (!state || !/^[\w-]{1,128}$/.test(state)) return { status: 400, html: loginErrorPage('Login link is not valid', 'The callback carried no valid state.') };
  const verdict = await deps.states.consume(state, deps.clock());
  if (verdict !== 'ok') {
    const reasons: Record<Exclude<typeof verdict, 'ok'>, string> = { unknown: 'This login was not started here.', expired: 'This login link has expired.', used: 'This login link was already used.' };
    const why = reasons[verdict];
    deps.logger.warn('login callback refused', { verdict });
    return { status: 400, html: loginErrorPage('Login refused', why) };
  }
  if (!code || (query.s && query.s !== 'ok')) {
    return { status: 400, html: loginErrorPage('Fyers did not approve the login', 'No authorisation code came back from Fyers.') };
  }
  let issued;
  try {
    issued = await deps.login.exchangeAuthCode(code);
  } catch (e) {
    deps.logger.error('auth code exchange failed', { error: e });
    return { status: 502, html: loginErrorPage('Fyers refused the login', 'The authorisation code could not be exchanged for a session.') };
  }
  await deps.tokens.save({ ...issued, obtainedAt: deps.clock(), source: 'login' });
  deps.accessTokens.invalidate();
  const session = await deps.broker.checkSession().catch(() => ({ valid: false, reason: 'could not reach Fyers to check' }) as const);
  const controls = await deps.controls.get();
  const until = formatIst(issued.expiresAt);
  deps.logger.info('login completed', { expiresAt: new Date(issued.expiresAt).toISOString(), sessionValid: session.valid });
  if (!session.valid) return { status: 200, html: loginResultPage({ live: false, detail: `The token was stored (valid until ${until}), but Fyers did not accept it yet: ${session.reason ?? 'unknown reason'}.` }) };
  // The same verdicts readyz gives, so the page never says "live" while alerts would be refused.
  const blockers = readinessBlockers(
    assessTradingReadiness({ now: deps.clock(), tradingEnabled: controls.tradingEnabled, session: { valid: true, expiresAt: issued.expiresAt }, window: deps.session.window(deps.clock()), enforceWindow: deps.session.enforce }),
  );
  if (blockers.length > 0) return { status: 200, html: loginResultPage({ live: false, detail: `The Fyers session is valid until ${until}, but alerts are refused now. ${blockers.join('. ')}.` }) };
  return { status: 200, html: loginResultPage({ live: true, until, detail: 'Alerts will now place orders.' }) };
}
