import { timingSafeEqual } from 'node:crypto';

/**
 * The token the operator pastes into Fyers' dashboard as part of the postback URL, read from the
 * request's URL: the last path segment (`…/orderUpdates/<token>`) or the `token` query parameter.
 * Whatever Fyers does or does not sign, only someone who knows the URL can post to it.
 */
export function postbackTokenOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://postback.invalid');
  } catch {
    return undefined;
  }
  const query = parsed.searchParams.get('token');
  if (query) return query;
  const last = parsed.pathname.split('/').filter(Boolean).pop();
  return last && last !== 'orderUpdates' ? decodeURIComponentSafe(last) : undefined;
}

const decodeURIComponentSafe = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** Constant-time comparison, whatever the lengths. */
export function sameToken(presented: string | undefined, expected: string | undefined): boolean {
  if (!presented || !expected) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  // Compared against itself when the lengths differ, so the time does not depend on where they differ.
  return a.length === b.length ? timingSafeEqual(a, b) : !timingSafeEqual(b, b);
}
