import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import { rawBodyOf, sendHtml } from '../http-adapter';
import { htmlSecurityHeaders } from '../http-security-headers';
import { requestSource } from '../operator-auth/request-source';
import { createLogger, type Logger } from '../../shared/platform/logger';
import { loginErrorPage } from './auth-pages';
import { handleAuthCallback, handleAuthUrl, type AuthDeps, type HtmlReply } from './auth.handler';

function reply(res: Response, r: HtmlReply): void {
  if ('location' in r) {
    for (const [k, v] of Object.entries(htmlSecurityHeaders())) if (k !== 'Content-Type') res.set(k, v);
    res.redirect(303, r.location);
    return;
  }
  if (r.retryAfterS) res.set('Retry-After', String(r.retryAfterS));
  sendHtml(res, r.status, r.html, { formTargets: r.formTargets });
}

const formOf = (req: Request): Record<string, string> =>
  Object.fromEntries(new URLSearchParams(rawBodyOf(req)?.toString('utf8') ?? ''));

/** The one-port local server marks the path it mounted the function at; on Cloud Run it is the root. */
const mountOf = (req: Request): string => (req as Request & { functionMount?: string }).functionMount ?? '/';

/** When the deps could not even be built there is no configured logger; the error must still be logged. */
let fallback: Logger | undefined;
const fallbackLogger = () => (fallback ??= createLogger());

/** The page the operator opens each morning to log in to Fyers. */
export const authUrlFunction =
  (deps: () => Promise<AuthDeps>): HttpFunction =>
  async (req, res) => {
    let logger: Logger | undefined;
    try {
      const auth = await deps();
      logger = auth.logger;
      reply(res, await handleAuthUrl(auth, { method: req.method, form: formOf(req), formAction: mountOf(req), source: requestSource(req) }));
    } catch (e) {
      (logger ?? fallbackLogger()).error('login page failed', { error: e });
      sendHtml(res, 503, loginErrorPage('Login is unavailable', 'Try again in a minute; the operator logs have the details.'));
    }
  };

/** Fyers' redirect target after the login. */
export const authCallbackFunction =
  (deps: () => Promise<AuthDeps>): HttpFunction =>
  async (req, res) => {
    let logger: Logger | undefined;
    try {
      const auth = await deps();
      logger = auth.logger;
      reply(res, await handleAuthCallback(auth, req.query as Record<string, string | undefined>));
    } catch (e) {
      (logger ?? fallbackLogger()).error('login callback failed', { error: e });
      sendHtml(res, 503, loginErrorPage('Login could not be completed', 'Try again from the login link; the operator logs have the details.'));
    }
  };
