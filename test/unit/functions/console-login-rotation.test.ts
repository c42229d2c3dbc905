import { handleConsole, type ConsoleDeps } from '../../../functions/console/console.handler';
import { cookieFrom, SESSION_COOKIE, verifySession } from '../../../functions/console/console-session';
import { createOperatorKeyGate } from '../../../functions/operator-auth/operator-key';
import { createLogger } from '../../../shared/platform/logger';
import type { SecretSource } from '../../../shared/secrets/secrets.port';

/**
 * A login with a controls-key rotated minutes ago, as the instance's cached source answers then: the
 * first read is the remembered old key (and starts reading the key again); every read after that, and
 * any fresh read, is the new key. (The console's own first read takes that one old answer, so the old
 * key itself is refused here.)
 */
const OLD = 'old-operator-key-0123456789abcdef';
const NEW = 'new-operator-key-fedcba9876543210';
const T0 = 1_750_000_000_000;

function rotatedSecrets(): SecretSource {
  let reads = 0;
  return {
    async get(_name, opts) {
      reads += 1;
      return reads === 1 && !opts?.fresh ? OLD : NEW;
    },
  };
}

function consoleDeps(secrets: SecretSource): ConsoleDeps {
  const logger = createLogger({ level: 'ERROR', sink: () => undefined });
  return {
    clock: () => T0,
    logger,
    secrets,
    operatorKey: createOperatorKeyGate({ secrets, clock: () => T0, logger }),
    logouts: { stillLive: async () => true, revoke: async () => undefined },
    sessionTtlMs: 20 * 60_000,
  } as unknown as ConsoleDeps;
}

async function logIn(secrets: SecretSource, key: string) {
  const reply = await handleConsole(consoleDeps(secrets), { method: 'POST', path: '/login', base: '', query: {}, form: { key }, sourceIp: '203.0.113.9', fetchSite: 'same-origin' });
  expect(reply.status).toBe(303);
  return cookieFrom(String(reply.headers?.['Set-Cookie']).split(';')[0], SESSION_COOKIE);
}

it('a login with the new key right after a rotation gets a cookie the next page accepts (signed with the new key)', async () => {
  const cookie = await logIn(rotatedSecrets(), NEW);
  expect(verifySession(NEW, cookie, T0)).toBeDefined();
  expect(verifySession(OLD, cookie, T0)).toBeUndefined();
});
