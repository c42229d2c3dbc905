import { cookieFrom, csrfMatches, csrfTokenFor, issueSession, sessionCookie, verifySession, SESSION_COOKIE } from '../../../functions/console/console-session';

const KEY = 'operator-key-for-unit-tests';
const T0 = 1_800_000_000_000;

describe('console session', () => {
  it('verifies its own cookie until it expires', () => {
    const { session, cookieValue } = issueSession(KEY, T0, 60_000);
    expect(verifySession(KEY, cookieValue, T0 + 59_999)).toEqual(session);
    expect(verifySession(KEY, cookieValue, T0 + 60_000)).toBeUndefined();
  });

  it('refuses a cookie signed with another key (a rotated controls-key ends every session)', () => {
    const { cookieValue } = issueSession(KEY, T0, 60_000);
    expect(verifySession('another-key', cookieValue, T0)).toBeUndefined();
  });

  it('refuses a cookie whose expiry was pushed out, and junk', () => {
    const { cookieValue } = issueSession(KEY, T0, 60_000);
    const [v, exp, id, sig] = cookieValue.split('.');
    expect(verifySession(KEY, [v, String(Number(exp) + 3_600_000), id, sig].join('.'), T0)).toBeUndefined();
    for (const junk of [undefined, '', 'x', `${cookieValue}x`, cookieValue.replace('v1', 'v2')]) expect(verifySession(KEY, junk, T0)).toBeUndefined();
  });

  it('binds the CSRF token to the session', () => {
    const a = issueSession(KEY, T0, 60_000).session;
    const b = issueSession(KEY, T0, 60_000).session;
    expect(csrfMatches(KEY, a, csrfTokenFor(KEY, a))).toBe(true);
    expect(csrfMatches(KEY, a, csrfTokenFor(KEY, b))).toBe(false);
    expect(csrfMatches(KEY, a, undefined)).toBe(false);
  });

  it('sets a host-only, HttpOnly, Secure, SameSite=Strict cookie, and reads it back from a Cookie header', () => {
    const header = sessionCookie('abc', 900_000);
    expect(header).toBe(`${SESSION_COOKIE}=abc; Max-Age=900; Path=/; HttpOnly; Secure; SameSite=Strict`);
    expect(cookieFrom(`other=1; ${SESSION_COOKIE}=abc; x=y`, SESSION_COOKIE)).toBe('abc');
    expect(cookieFrom(undefined, SESSION_COOKIE)).toBeUndefined();
  });
});
