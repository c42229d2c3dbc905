import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import type { Drain } from './drain';

/**
 * The first hour on a laptop: `npm start` with nothing configured must give a usable console. The
 * operator key is generated once, kept in DATA_DIR (owner-only), and printed on the start that made
 * it; a CONTROLS_KEY from .env or the environment always wins. Never on Cloud Run, where the key is a
 * Secret Manager secret.
 */
export const OPERATOR_KEY_FILE = 'operator-key';

export interface LocalKey {
  source: 'env' | 'file' | 'generated' | 'cloud';
  /** The file it lives in, when it is the local one. */
  file?: string;
  /** Only on the start that generated it: the one time it is printed. */
  printOnce?: string;
}

export function ensureLocalOperatorKey(env: NodeJS.ProcessEnv, generate: () => string = () => randomBytes(32).toString('hex')): LocalKey {
  if (env.K_SERVICE) return { source: 'cloud' };
  if ((env.CONTROLS_KEY ?? '').trim() !== '') return { source: 'env' };
  const dir = path.resolve(env.DATA_DIR?.trim() || './.data');
  const file = path.join(dir, OPERATOR_KEY_FILE);
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (key) {
      env.CONTROLS_KEY = key;
      return { source: 'file', file };
    }
  }
  const key = generate();
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, key + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  env.CONTROLS_KEY = key;
  return { source: 'generated', file, printOnce: key };
}

/** What `npm start` prints about the console and its key. */
export function consoleLines(base: string, key: LocalKey): string[] {
  const lines = [`Console: ${base}/console`];
  if (key.source === 'generated') lines.push(`Operator key, printed this once (kept in ${key.file}; set CONTROLS_KEY in .env to choose your own):`, `  ${key.printOnce}`);
  else if (key.source === 'file') lines.push(`Operator key: the one in ${key.file} (CONTROLS_KEY in .env overrides it)`);
  else lines.push('Operator key: your CONTROLS_KEY');
  return lines;
}

/** What stopping needs of the instance's deps (functions/composition.ts builds them; only the entry point may import it). */
export interface BuiltDeps {
  webhook: { refusals: { flush(): Promise<void> } };
  close(): Promise<void>;
}

/**
 * Local stop, as on Cloud Run: refuse new alerts, let those in flight finish, then send the pending
 * refusal summary and close the clients before exiting, so a Ctrl-C never drops the operator's digest.
 */
export async function stopLocal(o: { drain: Drain; server: Pick<Server, 'close' | 'closeIdleConnections'>; deps: () => Promise<BuiltDeps> | undefined; graceMs?: number; closeMs?: number }): Promise<void> {
  o.drain.start();
  o.server.closeIdleConnections();
  await o.drain.idle(o.graceMs ?? 8_500);
  const pending = o.deps();
  if (pending) {
    const finish = pending.then((d) => Promise.allSettled([d.webhook.refusals.flush(), d.close()]));
    await Promise.race([finish, new Promise((r) => setTimeout(r, o.closeMs ?? 1_000).unref())]).catch(() => undefined);
  }
  await new Promise<void>((resolve) => o.server.close(() => resolve()));
}
