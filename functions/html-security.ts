import { createHash } from 'node:crypto';

/**
 * Headers every operator page carries: never cached, never framed, never sniffed, no Referer leaving
 * (the login callback's address holds a one-time code), and HTTPS remembered by the browser.
 */
export const HTML_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** The CSP source for one exact inline stylesheet, so no other inline style (or any script) can run. */
export const styleHash = (css: string) => `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`;

/**
 * No script at all, styles only by hash, forms only to this origin, never in a frame. Pages whose form
 * ends in a redirect to another origin (the Fyers login) cannot use form-action 'self': browsers apply it
 * to the redirect too.
 */
export function strictCsp(opts: { styleHashes: string[]; formActionSelf?: boolean }): string {
  return [
    "default-src 'none'",
    `style-src ${opts.styleHashes.join(' ')}`,
    // data: only for the empty favicon that stops the browser asking the server for one.
    "img-src 'self' data:",
    "base-uri 'none'",
    ...(opts.formActionSelf === false ? [] : ["form-action 'self'"]),
    "frame-ancestors 'none'",
  ].join('; ');
}
