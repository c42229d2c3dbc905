import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import { rawBodyOf } from '../http-adapter';
import { HTML_SECURITY_HEADERS, strictCsp } from '../html-security';
import { clientIpFrom } from '../webhook/source-guard';
import { messagePage } from './console-pages';
import { CONSOLE_STYLE_HASH } from './console-style';
import { handleConsole, type ConsoleDeps, type ConsoleReply } from './console.handler';
import { SESSION_COOKIE, cookieFrom } from './console-session';

const CSP = strictCsp({ styleHashes: [CONSOLE_STYLE_HASH] });

function reply(res: Response, r: ConsoleReply): void {
  for (const [k, v] of Object.entries(HTML_SECURITY_HEADERS)) res.set(k, v);
  res.set('Content-Security-Policy', CSP);
  for (const [k, v] of Object.entries(r.headers ?? {})) res.set(k, v);
  if ('location' in r) {
    res.redirect(303, r.location);
    return;
  }
  res.status(r.status).type('html').send(r.html);
}

/** Where the function is mounted: '' at a Cloud Run function's root, '/console' behind the local server. */
function baseOf(req: Request): string {
  const full = (req.originalUrl || '/').split('?')[0]!;
  const below = req.path || '/';
  const base = full.endsWith(below) ? full.slice(0, full.length - below.length) : below === '/' ? full : '';
  // Only ever a path on this host: `//host` or `/\\host` in a Location would send the browser elsewhere.
  return base.replace(/\/+$/, '').replace(/^[/\\]+/, '/').replace(/^\/$/, '');
}

const formOf = (req: Request): Record<string, string> => {
  if (req.method !== 'POST') return {};
  const type = req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) return {};
  return Object.fromEntries(new URLSearchParams(rawBodyOf(req)?.toString('utf8') ?? ''));
};

/** The operator's console: one page for the day, behind the operator key. */
export const consoleFunction =
  (deps: () => Promise<ConsoleDeps>): HttpFunction =>
  async (req, res) => {
    const base = baseOf(req);
    try {
      reply(
        res,
        await handleConsole(await deps(), {
          method: req.method,
          path: req.path,
          base,
          query: req.query as Record<string, string | undefined>,
          form: formOf(req),
          cookie: cookieFrom(req.header('cookie'), SESSION_COOKIE),
          sourceIp: clientIpFrom(req.header('x-forwarded-for'), req.socket?.remoteAddress),
          fetchSite: req.header('sec-fetch-site'),
          origin: req.header('origin'),
          host: req.header('host'),
        }),
      );
    } catch {
      reply(res, { status: 503, html: messagePage('Console unavailable', 'Try again in a minute; the operator logs have the details.', base) });
    }
  };
