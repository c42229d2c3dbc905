import path from 'node:path';
import { architectureProblems, readSources } from './import-rules';

const ROOT = path.resolve(__dirname, '../../..');

// The rules themselves are proved to fail on made-up trees in import-rules.test.ts; this runs them over ours.
describe('import direction and cycles in this repository', () => {
  it('functions/ and shared/ import only down the layers, adapters only from the composition root, and in no circle', () => {
    const files = readSources(ROOT, ['functions', 'shared']);
    expect(files.size).toBeGreaterThan(100);
    expect(architectureProblems(files)).toEqual([]);
  });
});
