import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { consoleLines, ensureLocalOperatorKey, stopLocal } from '../../../functions/local-start';
import { createDrain } from '../../../functions/drain';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'local-start-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the first start on a laptop', () => {
  it('generates an operator key once, keeps it owner-only in DATA_DIR, and prints it only that time', () => {
    const env: NodeJS.ProcessEnv = { DATA_DIR: dir };
    const first = ensureLocalOperatorKey(env, () => 'k'.repeat(64));
    expect(first).toEqual({ source: 'generated', file: path.join(dir, 'operator-key'), printOnce: 'k'.repeat(64) });
    expect(env.CONTROLS_KEY).toBe('k'.repeat(64));
    expect(statSync(first.file!).mode & 0o777).toBe(0o600);
    expect(consoleLines('http://localhost:8080', first).join('\n')).toMatch(/Console: http:\/\/localhost:8080\/console[\s\S]*printed this once[\s\S]*k{64}/);

    const again: NodeJS.ProcessEnv = { DATA_DIR: dir };
    const second = ensureLocalOperatorKey(again, () => 'other');
    expect(second).toEqual({ source: 'file', file: path.join(dir, 'operator-key') });
    expect(again.CONTROLS_KEY).toBe('k'.repeat(64));
    expect(consoleLines('http://localhost:8080', second).join('\n')).not.toContain('k'.repeat(64));
  });

  it('leaves a CONTROLS_KEY from .env alone, and does nothing on Cloud Run', () => {
    writeFileSync(path.join(dir, 'operator-key'), 'from-file\n');
    const env: NodeJS.ProcessEnv = { DATA_DIR: dir, CONTROLS_KEY: 'from-env' };
    expect(ensureLocalOperatorKey(env)).toEqual({ source: 'env' });
    expect(env.CONTROLS_KEY).toBe('from-env');
    const cloud: NodeJS.ProcessEnv = { DATA_DIR: dir, K_SERVICE: 'console' };
    expect(ensureLocalOperatorKey(cloud)).toEqual({ source: 'cloud' });
    expect(cloud.CONTROLS_KEY).toBeUndefined();
    expect(readFileSync(path.join(dir, 'operator-key'), 'utf8')).toBe('from-file\n');
  });
});

describe('stopping the local server', () => {
  it('sends the pending refusal summary and closes the clients before the server closes', async () => {
    const order: string[] = [];
    const deps = { webhook: { refusals: { flush: async () => void order.push('flush') } }, close: async () => void order.push('deps closed') } as never;
    const server = { closeIdleConnections: () => undefined, close: (cb: () => void) => (order.push('server closed'), cb()) } as never;
    await stopLocal({ drain: createDrain(), server, deps: () => Promise.resolve(deps), graceMs: 10 });
    expect(order).toEqual(['flush', 'deps closed', 'server closed']);
  });
});
