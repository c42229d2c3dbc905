import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '../../shared/platform/ids';
import { corruptStateSuite } from '../helpers/corrupt-state-suite';

/** Issue 10 item 4 on the local folder store: an empty controls file, a torn or `null` record file. */
describe('unreadable records in the local store', () => {
  corruptStateSuite('local', (app) => {
    const dir = path.join(app.deps.config.dataDir, 'store');
    return {
      controls: async () => {
        mkdirSync(path.join(dir, 'controls'), { recursive: true });
        writeFileSync(path.join(dir, 'controls', 'controls.json'), '');
      },
      record: async (key, how) => {
        const file = path.join(dir, 'idempotency', 'idempotency', `${sha256Hex(key)}.json`);
        const text = readFileSync(file, 'utf8');
        writeFileSync(file, how === 'torn' ? text.slice(0, Math.floor(text.length / 2)) : 'null');
      },
    };
  });
});
