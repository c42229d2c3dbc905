import path from 'node:path';
import type { StoredToken, TokenStore } from '../../tokens/token.port';
import { fileLocks } from './keyed-mutex';
import { readJsonFile, writeJsonFileAtomic } from './json-file';

/** The broker session in `<dir>/token.json`, readable by the owner only since it is a live credential. */
export function createLocalTokenStore(dir: string): TokenStore {
  const file = path.resolve(dir, 'token.json');
  return {
    current: () => readJsonFile<StoredToken>(file),
    save: (token: StoredToken) => fileLocks.run(file, () => writeJsonFileAtomic(file, token, 0o600)),
  };
}
