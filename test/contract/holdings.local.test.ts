import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalHoldingsStore } from '../../shared/store/local/holdings.local';
import { holdingsContract } from './holdings-contract';

const root = mkdtempSync(path.join(tmpdir(), 'holdings-local-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('local holdings store', () => {
  holdingsContract((space) => createLocalHoldingsStore(path.join(root, space)));
});
