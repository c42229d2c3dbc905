import type { OrderResult } from '../../shared/orders/order-result';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalAuditLog } from '../../shared/store/local/audit.local';
import { createLocalControlsStore } from '../../shared/store/local/controls.local';
import { createLocalIdempotencyStore } from '../../shared/store/local/idempotency.local';
import { createLocalLeaseStore } from '../../shared/store/local/lease.local';
import { createLocalOAuthStateStore } from '../../shared/store/local/oauth-state.local';
import { createLocalTokenStore } from '../../shared/store/local/token.local';
import {
  auditContract, controlsContract, idempotencyContract, leaseContract, newSpace, oauthStateContract, tokenContract,
} from './store-contract';

const root = mkdtempSync(path.join(tmpdir(), 'stores-local-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dirOf = (space: string) => path.join(root, space);

describe('local stores', () => {
  idempotencyContract((space) => createLocalIdempotencyStore<OrderResult>(dirOf(space)));
  auditContract((space) => createLocalAuditLog(dirOf(space)));
  controlsContract((space) => createLocalControlsStore(dirOf(space)));
  tokenContract((space) => createLocalTokenStore(dirOf(space)));
  leaseContract((space) => createLocalLeaseStore(dirOf(space)));
  oauthStateContract((space) => createLocalOAuthStateStore(dirOf(space)));

  describe('on disk', () => {
    it('leaves no temp files behind and keeps the token readable by its owner only', async () => {
      const space = newSpace();
      const tokens = createLocalTokenStore(dirOf(space));
      await Promise.all(Array.from({ length: 5 }, (_, i) =>
        tokens.save({ accessToken: `t${i}`, expiresAt: 2, obtainedAt: 1, source: 'login' })));
      const files = readdirSync(dirOf(space));
      expect(files).toEqual(['token.json']);
      expect(statSync(path.join(dirOf(space), 'token.json')).mode & 0o777).toBe(0o600);
    });

    it('never stores the OAuth state value itself', async () => {
      const space = newSpace();
      await createLocalOAuthStateStore(dirOf(space)).create('very-secret-state-value', Date.now() + 60_000);
      expect(readFileSync(path.join(dirOf(space), 'oauth-states.json'), 'utf8')).not.toContain('very-secret-state-value');
    });

    it('still reads an audit day whose last line was torn by a crash', async () => {
      const space = newSpace();
      const log = createLocalAuditLog(dirOf(space));
      await log.record({ requestId: 'ok', day: '2026-01-05', status: 'placed', receivedAt: 1, httpStatus: 201, latencyMs: 1 });
      const { appendFileSync } = await import('node:fs');
      appendFileSync(path.join(dirOf(space), 'audit', '2026-01-05.jsonl'), '{"requestId":"torn","day');
      expect((await log.list({ day: '2026-01-05' })).map((e) => e.requestId)).toEqual(['ok']);
    });

    it('refuses an audit day that is not a calendar date', async () => {
      const log = createLocalAuditLog(dirOf(newSpace()));
      await expect(log.list({ day: '../../etc/passwd' })).rejects.toThrow(/YYYY-MM-DD/);
    });
  });
});
