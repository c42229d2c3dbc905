import { handleConsole, type ConsoleDeps } from '../../../functions/console/console.handler';
import { cookieFrom, SESSION_COOKIE, verifySession } from '../../../functions/console/console-session';
import { createOperatorKeyGate } from '../../../functions/operator-auth/operator-key';
import { createLogger } from '../../../shared/platform/logger';
import type { SecretSource } from '../../../shared/secrets/secrets.port';

/**
 * A login with a controls-key rotated minutes ago: the instance still remembers the old key (a plain
 * read answers it) until a fresh read, which the key check makes when the presented key does not match.
 */
const OLD = 'old-operator-key-0123456789abcdef';
const NEW = 'new-operator-key-fedcba9876543210';
const T0 = 1_750_000_000_000;

function rotatedSecrets(): SecretSource {
  let remembered = OLD;
  return {
    async get(_name, opts) {
      if (opts?.fresh) remembered = NEW;
      return remembered;
    },
  };
}

it('a login with the new key right after a rotation gets a cookie the next page accepts (signed with the new key)', async () => {
  const secrets = rotatedSecrets();
  const logger = createLogger({ level: 'ERROR', sink: () => undefined });
  const deps = {
    clock: () => T0,
    logger,
    secrets,
    operatorKey: createOperatorKeyGate({ secrets, clock: () => T0, logger }),
    logouts: { stillLive: async () => true, revoke: async () => undefined },
    sessionTtlMs: 20 * 60_000,
  } as unknown as ConsoleDeps;
  const reply = await handleConsole(deps, { method: 'POST', path: '/login', base: '', query: {}, form: { key: NEW }, sourceIp: '203.0.113.9', fetchSite: 'same-origin' });
  expect(reply.status).toBe(303);
  const cookie = cookieFrom(String(reply.headers?.['Set-Cookie']).split(';')[0], SESSION_COOKIE);
  expect(verifySession(NEW, cookie, T0)).toBeDefined();
  expect(verifySession(OLD, cookie, T0)).toBeUndefined();
});
