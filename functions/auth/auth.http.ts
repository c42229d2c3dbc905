import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import { rawBodyOf, sendHtml } from '../http-adapter';
import { loginErrorPage } from './auth-pages';
import { handleAuthCallback, handleAuthUrl, type AuthDeps, type HtmlReply } from './auth.handler';

function reply(res: Response, r: HtmlReply): void {
  if ('location' in r) {
    res.set('Cache-Control', 'no-store');
    res.redirect(303, r.location);
  } else sendHtml(res, r.status, r.html);
}

const formOf = (req: Request): Record<string, string> =>
  Object.fromEntries(new URLSearchParams(rawBodyOf(req)?.toString('utf8') ?? ''));

/** The page the operator opens each morning to log in to Fyers. */
export const authUrlFunction =
  (deps: () => Promise<AuthDeps>): HttpFunction =>
  async (req, res) => {
    try {
      // Relative action: the same path whether served at /authUrl locally or at the function's root.
      reply(res, await handleAuthUrl(await deps(), { method: req.method, form: formOf(req), selfPath: req.originalUrl.split('?')[0] || '/' }));
    } catch {
      sendHtml(res, 503, loginErrorPage('Login is unavailable', 'Try again in a minute; the operator logs have the details.'));
    }
  };

/** Fyers' redirect target after the login. */
export const authCallbackFunction =
  (deps: () => Promise<AuthDeps>): HttpFunction =>
  async (req, res) => {
    try {
      reply(res, await handleAuthCallback(await deps(), req.query as Record<string, string | undefined>));
    } catch {
      sendHtml(res, 503, loginErrorPage('Login could not be completed', 'Try again from the login link; the operator logs have the details.'));
    }
  };
