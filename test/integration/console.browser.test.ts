import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { findChromium, screenshotsDir } from './helpers/chromium';
import { CONTROLS_KEY, tempDir, type Bridge } from './helpers/bridge-kit';
import { startConsoleDay } from './helpers/console-day';

/**
 * The console as the operator uses it, in a real headless Chromium with JavaScript switched OFF (the page
 * must work without it): log in with the key, read the day, stop trading through the confirmation page.
 * Saves the screenshots the README shows, at phone and desktop widths.
 */
const CHROMIUM = findChromium();
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = screenshotsDir();

let bridge: Bridge;
let context: BrowserContext | undefined;
let profileDir: string;

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
});

beforeEach(async () => {
  bridge = await startConsoleDay();
  profileDir = await tempDir('chromium-console');
});

afterEach(async () => {
  await context?.close();
  context = undefined;
  await bridge.close();
  await rm(profileDir, { recursive: true, force: true });
});

async function open(width: number, height: number): Promise<{ page: Page; errors: string[] }> {
  context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, args: ARGS, headless: true, javaScriptEnabled: false, viewport: { width, height }, deviceScaleFactor: 1 });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { page, errors };
}

async function logIn(page: Page) {
  await page.goto(`${bridge.base}/console`);
  expect(await page.title()).toBe('Console login');
  await page.getByLabel('Operator key').fill(CONTROLS_KEY);
  await Promise.all([page.waitForURL(/\/console\/$/), page.getByRole('button', { name: 'Open the console' }).click()]);
  expect(await page.title()).toBe('Console');
}

const text = (page: Page, selector: string) => page.locator(selector).innerText();

describe('the console in a real browser, without JavaScript', () => {
  it('on a phone: logs in, shows the day, and stops trading through a confirmation', async () => {
    const { page, errors } = await open(390, 844);
    await page.goto(`${bridge.base}/console`);
    await page.getByLabel('Operator key').fill('not-the-key');
    await page.getByRole('button', { name: 'Open the console' }).click();
    expect(await text(page, '#login-message')).toBe('That operator key is not valid.');
    expect(errors).toEqual(['Failed to load resource: the server responded with a status of 401 (Unauthorized)']);
    errors.length = 0;

    await logIn(page);
    const [cookie] = await context!.cookies();
    expect(cookie).toMatchObject({ name: '__Host-console-session', httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    expect(cookie!.value).not.toContain(CONTROLS_KEY);

    expect(await text(page, '#status')).toContain('READY');
    expect(await text(page, '#session')).toMatch(/Session valid[\s\S]*Time left\s+in \d+ h \d+ min/);
    expect(await page.locator('#login-link').getAttribute('href')).toBe(`${bridge.base}/authUrl`);
    expect(await text(page, '#controls')).toContain('Trading ON');
    expect(await text(page, '#readiness')).toMatch(/✓ broker[\s\S]*✓ killSwitch[\s\S]*✓ exchangeSession/);
    expect(await text(page, '#symbols')).toMatch(/Version\s+sample-2027-01-12/);

    const alerts = await text(page, '#alerts');
    expect(alerts).toContain("Today's alerts (4)");
    expect(alerts).toMatch(/VWAP revert[\s\S]*alert_invalid 400[\s\S]*strikeprice/);
    expect(alerts).toMatch(/risk_refused 422[\s\S]*qty/);
    expect(alerts).toContain('placed 200');
    expect(alerts).toMatch(/\d+ ms/);

    const orders = await text(page, '#orders');
    expect(orders).toContain('Orders today (2)');
    expect(orders).toMatch(/filled[\s\S]*130 \/ 130 @ [\d,.]+/);
    const positions = await text(page, '#positions');
    // Bought at the fake's fill of 100: 130 CE now at 118 (+2,340), 65 PE at 93 (−455).
    expect(positions).toMatch(/24500CE[\s\S]*130[\s\S]*100\.00[\s\S]*118\.00[\s\S]*₹2,340\.00/);
    expect(positions).toContain('−₹455.00');
    expect(positions).toContain('₹1,885.00');
    expect(await text(page, '#notifications')).toContain('Alert refused (400)');

    await page.screenshot({ path: path.join(SHOTS, 'console-phone.png'), fullPage: true });

    await page.getByRole('button', { name: 'Stop trading (kill switch ON)' }).click();
    expect(await page.title()).toBe('Confirm the change');
    expect(await text(page, '#confirm')).toMatch(/Trading[\s\S]*ON \(alerts place orders\)[\s\S]*OFF \(kill switch ON\)/);
    // Nothing has changed yet: the confirmation page only asks.
    expect((await bridge.deps.adapters.controls.get()).tradingEnabled).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'console-confirm-phone.png'), fullPage: true });

    await Promise.all([page.waitForURL(/changed=1/), page.getByRole('button', { name: 'Confirm' }).click()]);
    expect(await text(page, '#flash')).toContain('Controls changed');
    expect(await text(page, '#controls')).toContain('Kill switch ON');
    expect(await text(page, '#status')).toMatch(/NOT READY[\s\S]*killSwitch/);
    expect(await bridge.deps.adapters.controls.get()).toMatchObject({ tradingEnabled: false });
    expect((await bridge.deps.adapters.controls.history(1))[0]).toMatchObject({ actor: 'console' });
    expect(bridge.notes.ofKind('controls.changed')).toHaveLength(1);

    // The CSP lets the page's own stylesheet through and blocks nothing else it uses.
    expect(errors).toEqual([]);
  });

  it('on a desktop: the same page in columns, and limits changed through the confirmation', async () => {
    const { page, errors } = await open(1280, 900);
    await logIn(page);
    await page.screenshot({ path: path.join(SHOTS, 'console-desktop.png'), fullPage: true });

    await page.getByLabel('Max lots').fill('3');
    await page.getByLabel('Reduce-only').selectOption('true');
    await page.getByRole('button', { name: 'Review change' }).click();
    const confirm = await text(page, '#confirm');
    expect(confirm).toMatch(/Max lots[\s\S]*10 \(deployed default\)[\s\S]*3/);
    expect(confirm).toMatch(/Reduce-only[\s\S]*off[\s\S]*on/);
    expect(confirm).not.toContain('Daily order cap');
    await Promise.all([page.waitForURL(/changed=1/), page.getByRole('button', { name: 'Confirm' }).click()]);
    expect(await bridge.deps.adapters.controls.get()).toMatchObject({ tradingEnabled: true, maxLots: 3, reduceOnly: true });

    await page.getByRole('button', { name: 'Log out' }).click();
    expect(await page.title()).toBe('Console login');
    expect(await context!.cookies()).toEqual([]);
    expect(errors).toEqual([]);
  });
});
