/**
 * Headers for every HTML answer (the login pages, and any operator page after them): no framing, no
 * scripts, forms may post only back here (plus the origins named, e.g. the broker's login page the
 * form's answer redirects to), no Referer leaks, no MIME sniffing, HTTPS pinned.
 */
export function htmlSecurityHeaders(opts: { formTargets?: readonly string[] } = {}): Record<string, string> {
  const formAction = ["'self'", ...(opts.formTargets ?? [])].join(' ');
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; base-uri 'none'; frame-ancestors 'none'`,
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  };
}

/** The origin of a URL, for a CSP source list; undefined for anything that is not http(s). */
export function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}
