import { handleWebhook } from '../../functions/webhook/webhook.handler';
import { handleConsole } from '../../functions/console/console.handler';
import { istParts } from '../../shared/platform/ist';
import { CONTROLS_KEY, niftyAlert, sendAlert, startBridge, storeLogin, type Bridge } from './helpers/bridge-kit';

/**
 * Issue 19 item 6: requests that never proved they know the webhook secret are noise, not alerts.
 * They never enter the audit (their text is the sender's), are counted per source and hour, and a
 * flood of them cannot push the operator's real alert out of the console's list.
 */
let bridge: Bridge;
afterEach(async () => bridge?.close());

const junk = (ip: string, body: string) => handleWebhook(bridge.deps.webhook, { method: 'POST', rawBody: Buffer.from(body), headers: {}, sourceIp: ip });

it('a flood of bad-token posts is counted per source and hour, never audited, and the real alert stays in view', async () => {
  bridge = await startBridge();
  await storeLogin(bridge);
  const real = await sendAlert(bridge.deps, niftyAlert({ strategy: 'the-real-one' }));
  expect(real.status).toBe(200);
  for (let i = 0; i < 210; i++) await junk('203.0.113.9', JSON.stringify({ token: `guess-${i}`, symbol: 'NIFTY', action: 'BUY', optionType: 'CE', strikeprice: 'ATM', qty: 1, strategy: `<b>junk ${i}</b>` }));
  await junk('198.51.100.7', 'not even json');
  await junk('198.51.100.7', JSON.stringify({ symbol: 'NIFTY' }));

  const at = istParts(bridge.clock());
  const audit = await bridge.deps.adapters.audit.list({ day: at.date, limit: 200 });
  expect(audit.map((a) => a.alert?.strategy)).toEqual(['the-real-one']);
  const noise = await bridge.deps.adapters.audit.noise(at.date);
  const hour = Math.floor(at.minutes / 60);
  expect(noise.sort((a, b) => a.source.localeCompare(b.source))).toEqual([
    { day: at.date, hour, source: '198.51.100.7', count: 2 },
    { day: at.date, hour, source: '203.0.113.9', count: 210 },
  ]);
  // Nobody is told about noise either (the refusal digest is for the operator's own alerts).
  expect(bridge.notes.ofKind('alert.refused')).toHaveLength(0);

  // The console shows the real alert and the counts, not the junk text.
  const login = await handleConsole(bridge.deps.console, { method: 'POST', path: '/login', base: '', query: {}, form: { key: CONTROLS_KEY }, sourceIp: '127.0.0.1' });
  const cookie = /=([^;]+)/.exec(login.headers!['Set-Cookie']!)![1];
  const page = await handleConsole(bridge.deps.console, { method: 'GET', path: '/', base: '', query: {}, form: {}, cookie, sourceIp: '127.0.0.1' });
  const html = 'html' in page ? page.html : '';
  expect(html).toContain('the-real-one');
  expect(html).not.toContain('junk 1');
  expect(html).toContain('Requests without the secret (212)');
  expect(html).toContain('203.0.113.9');
});
