import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { findChromium, screenshotsDir } from './helpers/chromium';
import { CONTROLS_KEY, sendAlert, tempDir, type Bridge } from './helpers/bridge-kit';
import { startConsoleDay, trendAlert } from './helpers/console-day';

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

/** The element's bottom edge, in page pixels from the top (the page is scrolled to the top). */
async function bottomOf(page: Page, selector: string): Promise<number> {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} is not rendered`);
  return box.y + box.height;
}

const PHONE = { width: 390, height: 844 };

describe('the console in a real browser, without JavaScript', () => {
  it('on a phone: logs in, shows the day, and stops trading through a confirmation', async () => {
    const { page, errors } = await open(PHONE.width, PHONE.height);
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
    // It reloads itself, without script.
    expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toBe('60');

    // The first screen: readiness in words, the day's P&L, funds, and a kill switch that says what it does.
    expect(await text(page, '#status')).toContain('READY: the next alert would place its order.');
    expect(await text(page, '#day-pnl')).toMatch(/₹[\d,]+\.\d\d/);
    expect(await text(page, '#funds')).toMatch(/₹[\d,]+\.\d\d/);
    const stop = page.getByRole('button', { name: 'Stop trading: refuse every new alert' });
    for (const sel of ['#status', '#day-pnl', '#funds']) expect(await bottomOf(page, sel)).toBeLessThanOrEqual(PHONE.height);
    const stopBox = await stop.boundingBox();
    expect(stopBox!.y + stopBox!.height).toBeLessThanOrEqual(PHONE.height);

    // The strategy: what it holds, as a trader names it, its P&L and its working stop and target.
    const trend = await text(page, '#s-trend');
    expect(trend).toMatch(/Long 65 NIFTY 24500 CE, expires/);
    expect(trend).toMatch(/broker holds \d+/);
    expect(trend).toMatch(/Stop [\d,.]+ working[\s\S]*Target [\d,.]+ working/);
    expect(trend).toMatch(/trend\s+(−)?₹[\d,]+\.\d\d/);

    const alerts = await text(page, '#alerts');
    expect(alerts).toMatch(/Refused: invalid alert — strikeprice/);
    expect(alerts).toMatch(/Refused: refused by a risk rule — qty/);
    expect(alerts).toMatch(/Opened: bought 65 NIFTY 24500 CE, expires \S+ \(filled\)/);
    expect(alerts).toContain('Repeat of an earlier alert: nothing new sent');
    expect(alerts).not.toMatch(/alert_invalid|risk_refused|placed 200| 400| 422/);
    // The resend links the original.
    const original = await page.locator('#alerts a', { hasText: 'the original alert' }).getAttribute('href');
    expect(await page.locator(original!).innerText()).toContain('Now long');

    expect(await text(page, '#session')).toMatch(/Session valid[\s\S]*Time left\s+in \d+ h \d+ min/);
    expect(await page.locator('#login-link').getAttribute('href')).toBe(`${bridge.base}/authUrl`);
    expect(await text(page, '#readiness')).toMatch(/✓ Broker session[\s\S]*✓ Kill switch[\s\S]*✓ Exchange session/);
    expect(await text(page, '#symbols')).toMatch(/Version\s+sample-2027-01-12/);
    const positions = await text(page, '#positions');
    expect(positions).toMatch(/NIFTY 24500 CE, expires/);
    expect(await text(page, '#notifications')).toContain('Alert refused (400)');

    await page.screenshot({ path: path.join(SHOTS, 'console-phone.png'), fullPage: true });

    await stop.click();
    expect(await page.title()).toBe('Confirm the change');
    expect(await text(page, '#confirm')).toMatch(/Trading[\s\S]*ON: alerts place orders[\s\S]*OFF: every alert refused \(kill switch\)/);
    // Nothing has changed yet, and the confirmation page does not reload itself under the thumb.
    expect((await bridge.deps.adapters.controls.get()).tradingEnabled).toBe(true);
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);

    await Promise.all([page.waitForURL(/changed=1/), page.getByRole('button', { name: 'Confirm' }).click()]);
    expect(await text(page, '#flash')).toContain('Controls changed');
    expect(await text(page, '#trading-state')).toContain('Trading is OFF');
    expect(await page.getByRole('button', { name: 'Resume trading: let alerts place orders' }).count()).toBe(1);
    expect(await text(page, '#status')).toMatch(/NOT READY[\s\S]*Kill switch/);
    expect(await bridge.deps.adapters.controls.get()).toMatchObject({ tradingEnabled: false });
    expect((await bridge.deps.adapters.controls.history(1))[0]).toMatchObject({ actor: 'console' });
    expect(bridge.notes.ofKind('controls.changed')).toHaveLength(1);

    // The CSP lets the page's own stylesheet through and blocks nothing else it uses.
    expect(errors).toEqual([]);
  });

  it('on a desktop: the same page in columns, and limits changed through their own page and the confirmation', async () => {
    const { page, errors } = await open(1280, 900);
    await logIn(page);
    await page.screenshot({ path: path.join(SHOTS, 'console-desktop.png'), fullPage: true });

    await page.getByRole('link', { name: 'Change limits' }).click();
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
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

describe('a strategy whose entry rests at the exchange', () => {
  it('shows it as still at the broker, holding nothing yet, with the flatten offered', async () => {
    const put = bridge.fake.state.orders.find((o) => o.symbol.endsWith('PE'))?.symbol ?? 'NSE:NIFTY2711324500PE';
    bridge.fake.state.restSymbols.add(put);
    const r = await sendAlert(bridge.deps, { ...trendAlert('short', 'scalp-short-1'), strategy: 'scalp' });
    expect(r.status).toBe(200);
    const { page, errors } = await open(PHONE.width, PHONE.height);
    await logIn(page);
    const scalp = await text(page, '#s-scalp');
    expect(scalp).toContain("Holds nothing in the bridge's book.");
    expect(scalp).toMatch(/Still at the broker, settled by its next signal: open buy 65 NIFTY 24500 PE, expires \S+ \(0 filled\)/);
    expect(await page.locator('#s-scalp').getByRole('button', { name: 'Flatten scalp' }).count()).toBe(1);
    await page.locator('#s-scalp').screenshot({ path: path.join(SHOTS, 'console-strategy-waiting.png') });
    expect(errors).toEqual([]);
  });
});

describe('a busy day on a phone: 30 alerts', () => {
  it("shows one strategy's holding, P&L and working exits within two screens, and exits one position through the executor", async () => {
    await bridge.close();
    bridge = await startConsoleDay({ busy: true });
    expect(await bridge.deps.adapters.audit.list({ day: '2027-01-12', limit: 200 })).toHaveLength(30);
    const { page, errors } = await open(PHONE.width, PHONE.height);
    await logIn(page);
    expect(await text(page, '#alerts')).toContain("Today's alerts (30)");
    expect(await text(page, '#alerts')).toContain('Already long: nothing to do');

    const trend = page.locator('#s-trend');
    for (const sel of ['#s-trend ul.held li', '#s-trend h3 .pnl', '#s-trend ul.prot li']) expect(await bottomOf(page, sel)).toBeLessThanOrEqual(2 * PHONE.height);
    expect(await trend.locator('ul.prot').innerText()).toMatch(/Stop [\d,.]+ working[\s\S]*Target [\d,.]+ working/);

    // Refusals only.
    await page.locator('#refusals-only').click();
    const refusals = await text(page, '#alerts');
    expect(refusals).toMatch(/Today's alerts \(14 of 30\)/);
    expect(refusals).not.toContain('Now long');
    await page.goto(`${bridge.base}/console/`);

    const fake = bridge.fake;
    const call = (await bridge.deps.adapters.holdings.get('trend', 'NIFTY'))!.legs[0]!.ticker;
    const ordersBefore = fake.state.orders.length;
    await trend.getByRole('button', { name: 'Exit this position' }).click();
    expect(await page.title()).toBe('Confirm the action');
    expect(await text(page, '#confirm')).toMatch(/For trend: sell 65 NIFTY 24500 CE, expires \S+, at market, in one closing order/);
    // Asking sends nothing.
    expect(fake.state.orders).toHaveLength(ordersBefore);
    await page.screenshot({ path: path.join(SHOTS, 'console-confirm-phone.png'), fullPage: true });
    await page.getByRole('button', { name: 'Confirm' }).click();
    expect(await text(page, '#result')).toMatch(/Exit: sold 65 NIFTY 24500 CE, expires \S+ \(filled\)\./);

    // Exactly one closing order reached the broker, and the bridge recorded it as the executor's.
    const sent = fake.state.orders.slice(ordersBefore);
    expect(sent.map((o) => `${o.side === 1 ? 'BUY' : 'SELL'} ${o.symbol} ${o.qty}`)).toEqual([`SELL ${call} 65`]);
    const record = await bridge.deps.adapters.orderRecords.get(sent[0]!.id);
    expect(record).toMatchObject({ side: 'SELL', symbol: call, qty: 65 });
    // Its stop and target were withdrawn first, and the book no longer holds it.
    expect(fake.state.orders.filter((o) => o.symbol === call && o.status === 6)).toEqual([]);
    expect((await bridge.deps.adapters.holdings.get('trend', 'NIFTY'))?.legs ?? []).toEqual([]);
    // Audited with the operator as actor, and told to the phone.
    const audit = (await bridge.deps.adapters.audit.list({ day: '2027-01-12', limit: 200 })).find((e) => e.actor === 'console');
    expect(audit).toMatchObject({ status: 'placed', alert: expect.objectContaining({ action: 'exit', strategy: 'trend', ticker: call }) });
    expect(bridge.notes.ofKind('console.action')).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});
