import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { findChromium, screenshotsDir } from '../../integration/helpers/chromium';

/**
 * `npm test` leaves `git status` clean and runs on any laptop: no test writes into the tracked tree
 * (the console screenshots go to a temp folder unless `npm run screenshots` asks for docs/screenshots),
 * and no test hard-codes where a browser lives.
 */
const ROOT = path.resolve(__dirname, '../../..');

function testSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return testSources(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

describe('tests leave the tree clean', () => {
  it('screenshots go outside the repository unless SCREENSHOTS_DIR says otherwise', () => {
    const dir = screenshotsDir({});
    expect(path.relative(ROOT, dir).startsWith('..')).toBe(true);
    expect(screenshotsDir({ SCREENSHOTS_DIR: 'docs/screenshots' })).toBe(path.resolve('docs/screenshots'));
  });

  it('`npm run screenshots` is the one command that refreshes the tracked screenshots', () => {
    const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.screenshots).toMatch(/SCREENSHOTS_DIR=docs\/screenshots .*console\.browser/);
    expect(scripts.test).not.toContain('SCREENSHOTS_DIR');
  });

  it('no test names docs/screenshots or a fixed browser path', () => {
    const offenders = testSources(path.join(ROOT, 'test'))
      .filter((f) => !f.endsWith('clean-tree.test.ts'))
      .filter((f) => /docs\/screenshots['"`]|\/usr\/bin\/chromium/.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(ROOT, f));
    expect(offenders).toEqual([]);
  });
});

describe('the browser is found, not assumed', () => {
  it('CHROMIUM_PATH wins when it is executable, and is refused by name when it is not', () => {
    expect(findChromium({ CHROMIUM_PATH: process.execPath, PATH: '' })).toBe(process.execPath);
    expect(() => findChromium({ CHROMIUM_PATH: '/nonexistent/chromium', PATH: '' })).toThrow(/CHROMIUM_PATH=\/nonexistent\/chromium/);
  });

  it('otherwise the PATH is searched by the usual names, and none found says how to fix it', () => {
    const bin = path.dirname(process.execPath);
    expect(() => findChromium({ PATH: bin })).toThrow(/set CHROMIUM_PATH/);
  });
});
