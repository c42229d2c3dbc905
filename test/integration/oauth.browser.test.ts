import { rm } from 'node:fs/promises';
import { chromium, type BrowserContext } from 'playwright-core';
import { findChromium } from './helpers/chromium';
import { formatIst } from '../../shared/platform/ist';
import { CONTROLS_KEY, niftyAlert, startBridge, tempDir, type Bridge } from './helpers/bridge-kit';

/**
 * The morning login as the operator does it: a real headless Chromium opens the login page, types the
 * key, submits, follows Fyers' redirect back, and reads the result page. Catches what HTTP-level tests
 * cannot: form encoding, the form's action, redirects a browser actually follows, the page's CSP.
 */
const CHROMIUM = findChromium();
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let bridge: Bridge;
let context: BrowserContext | undefined;
let profileDir: string;

beforeEach(async () => {
  bridge = await startBridge({ localServer: true, fake: { authCodeMode: 'redirect' } });
  profileDir = await tempDir('chromium-profile');
});

afterEach(async () => {
  await context?.close();
  context = undefined;
  await bridge.close();
  await rm(profileDir, { recursive: true, force: true });
});

const launch = async () => {
  context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, args: ARGS, headless: true });
  return context.pages()[0] ?? (await context.newPage());
};

describe('login in a real browser', () => {
  it('types the key, goes through Fyers and lands on "Trading is live" with the session stored', async () => {
    const page = await launch();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });

    await page.goto(`${bridge.base}/authUrl`);
    expect(await page.title()).toBe('Fyers login');
    await page.getByLabel('Operator key').fill(CONTROLS_KEY);
    await Promise.all([page.waitForURL(/\/authCallback\?/, { timeout: 10_000 }), page.getByRole('button', { name: 'Continue to Fyers' }).click()]);

    const stored = await bridge.deps.adapters.tokens.current();
    expect(stored).toBeDefined();
    expect(stored!.source).toBe('login');
    expect(bridge.fake.state.accessTokens.has(stored!.accessToken)).toBe(true);

    expect(await page.title()).toBe('Trading is live');
    const text = await page.locator('body').innerText();
    expect(text).toContain('Trading is live');
    expect(text).toContain(`The Fyers session is valid until ${formatIst(stored!.expiresAt)}.`);
    // The key travelled in the form body: it is not in the address the browser shows or was sent through.
    expect(page.url()).not.toContain(CONTROLS_KEY);
    expect(bridge.fake.state.requests.some((r) => r.url.includes(CONTROLS_KEY))).toBe(false);
    // The inline stylesheet is allowed by the page's own CSP, so nothing was blocked.
    expect(errors).toEqual([]);

    // And the session is real: an alert places an order with it.
    const placed = await fetch(`${bridge.base}/webhook`, { method: 'POST', body: JSON.stringify(niftyAlert()) });
    expect(placed.status).toBe(200);
    expect(bridge.fake.state.orders).toHaveLength(1);
  });

  it('shows the form again with a message for a wrong key, and stores nothing', async () => {
    const page = await launch();
    await page.goto(`${bridge.base}/authUrl`);
    await page.getByLabel('Operator key').fill('wrong-key');
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Continue to Fyers' }).click()]);
    expect(response.status()).toBe(401);
    await page.waitForLoadState();
    expect(await page.locator('body').innerText()).toContain('That operator key is not valid.');
    expect(await page.getByLabel('Operator key').count()).toBe(1);
    expect(bridge.fake.state.requests).toHaveLength(0);
    expect(await bridge.deps.adapters.tokens.current()).toBeUndefined();
  });
});
