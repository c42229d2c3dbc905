import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where a Chromium usually is when it is not on the PATH (macOS installs apps, not commands). */
const KNOWN = [
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];
const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];

const runnable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The Chromium the browser tests drive: CHROMIUM_PATH when set (and then only it), else the first of
 * the usual names on the PATH, else the usual macOS app locations. The tests never skip: without one
 * they fail saying how to point them at a browser.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.CHROMIUM_PATH?.trim();
  if (chosen) {
    if (!runnable(chosen)) throw new Error(`CHROMIUM_PATH=${chosen} is not an executable file`);
    return chosen;
  }
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of NAMES) for (const dir of dirs) if (runnable(path.join(dir, name))) return path.join(dir, name);
  if (os.platform() === 'darwin') for (const file of KNOWN) if (runnable(file)) return file;
  throw new Error(
    'no Chromium found: set CHROMIUM_PATH to a Chromium or Chrome binary, or put chromium on the PATH ' +
      '(Debian/Ubuntu: apt-get install chromium; macOS: brew install --cask chromium). The browser tests never skip.',
  );
}

/**
 * Where the console screenshots go: `npm run screenshots` sets SCREENSHOTS_DIR to docs/screenshots
 * (the ones the README shows); every other run writes to a temp folder, so `npm test` leaves the
 * tracked files alone.
 */
export function screenshotsDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.SCREENSHOTS_DIR?.trim();
  return dir ? path.resolve(dir) : path.join(os.tmpdir(), `console-screenshots-${process.pid}`);
}
