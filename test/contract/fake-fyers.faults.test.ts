/** The fake's own switches behave as documented, so tests built on them prove what they claim. */
import { manualClock } from '../../shared/platform/clock';
import { startFakeFyers, type FakeFyers } from '../fake-fyers';

let fake: FakeFyers;
afterEach(() => fake.close());

const get = (f: FakeFyers, path: string, token: string) => fetch(`${f.url}${path}`, { headers: { authorization: `${f.state.appId}:${token}` } });

it('rate limits at the configured per-minute budget with Retry-After, and recovers when the window passes', async () => {
  const clock = manualClock(Date.UTC(2026, 6, 21, 4, 0));
  fake = await startFakeFyers({ rateLimit: { perSecond: 10, perMinute: 3 }, clock });
  const token = fake.issueAccessToken();
  for (let i = 0; i < 3; i++) {
    clock.advance(1000);
    expect((await get(fake, '/api/v3/profile', token)).status).toBe(200);
  }
  const limited = await get(fake, '/data/quotes?symbols=NSE:NIFTY50-INDEX', token);
  expect(limited.status).toBe(429);
  expect(limited.headers.get('retry-after')).toBe('58');
  expect(Number(limited.headers.get('x-retry-after-ms'))).toBe(58_000);
  expect(await limited.json()).toEqual({ s: 'error', code: -429, message: 'request limit reached' });
  clock.advance(58_000);
  expect((await get(fake, '/api/v3/profile', token)).status).toBe(200);
});

it("a '*' fault hits every route, a counted one stops after its uses, and clearFaults ends the rest", async () => {
  fake = await startFakeFyers();
  const token = fake.issueAccessToken();
  fake.inject('*', { kind: 'status', status: 503 }, 2);
  expect((await get(fake, '/api/v3/profile', token)).status).toBe(503);
  expect((await get(fake, '/api/v3/positions', token)).status).toBe(503);
  expect((await get(fake, '/api/v3/positions', token)).status).toBe(200);
  fake.inject('*', { kind: 'reset' });
  await expect(get(fake, '/api/v3/orders', token)).rejects.toThrow();
  fake.clearFaults();
  expect((await get(fake, '/api/v3/orders', token)).status).toBe(200);
});

it('refuses a token for another app id and a token it never issued', async () => {
  fake = await startFakeFyers();
  const token = fake.issueAccessToken();
  const other = await fetch(`${fake.apiUrl}/profile`, { headers: { authorization: `OTHER-100:${token}` } });
  expect(other.status).toBe(401);
  expect(await other.json()).toEqual({ code: -16, message: 'Could not authenticate the user', s: 'error' });
  expect((await get(fake, '/api/v3/profile', 'eyJ.made.up')).status).toBe(401);
});
