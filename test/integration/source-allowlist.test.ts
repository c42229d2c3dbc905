/**
 * The webhook's door, through the deployed HTTP stack: the source allow-list judged on the address
 * Google's front end appended to X-Forwarded-For (the rightmost entry), never on what the client wrote,
 * and the penalty box for a source that keeps presenting bad tokens.
 */
import { startFyersApp, type FyersApp } from '../helpers/fyers-app';

const TRADINGVIEW = ['52.89.214.238', '34.212.75.30', '54.218.53.128', '52.32.178.7'];

let app: FyersApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const from = (xff: string | undefined) => (xff === undefined ? {} : { headers: { 'x-forwarded-for': xff } });

describe('ALLOWED_SOURCE_IPS', () => {
  beforeEach(async () => {
    app = await startFyersApp({ store: 'local', env: { ALLOWED_SOURCE_IPS: TRADINGVIEW.join(',') } });
  });

  it('admits an alert whose platform-appended address is on the list', async () => {
    const r = await app!.post(app!.alert(), from(TRADINGVIEW[2]));
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('accepted');
    // A proxy chain in front (client-supplied entries first) changes nothing: the rightmost entry decides.
    const chained = await app!.post(app!.alert({ strikeprice: 24_550 }), from(`198.51.100.1, ${TRADINGVIEW[0]}`));
    expect(chained.status).toBe(200);
    expect(app!.fake.state.orders).toHaveLength(2);
  });

  it.each([
    ['a spoofed allowed address on the left', `${TRADINGVIEW[0]}, 203.0.113.9`],
    ['a spoofed allowed address in the middle', `${TRADINGVIEW[0]}, ${TRADINGVIEW[1]}, 203.0.113.9`],
    ['an address not on the list', '203.0.113.9'],
    ['an IPv4-mapped IPv6 form of an address not on the list', '::ffff:203.0.113.9'],
    ['no X-Forwarded-For at all (loopback socket)', undefined],
  ])('refuses %s with 403 and sends nothing to Fyers', async (_label, xff) => {
    const r = await app!.post(app!.alert(), from(xff));
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ status: 'error', error: { code: 'SOURCE_FORBIDDEN' } });
    expect(app!.fake.state.requests.filter((q) => q.route !== 'profile')).toHaveLength(0);
  });
});

describe('repeated bad tokens from one source', () => {
  beforeEach(async () => {
    app = await startFyersApp({ store: 'local' });
  });

  it("answers that source's further bad tokens with 429 and Retry-After, yet its valid alerts still trade (issue 10 item 2)", async () => {
    const guesser = '198.51.100.7';
    for (let i = 0; i < 10; i++) {
      const r = await app!.post(app!.alert({ token: `guess-${i}` }), from(guesser));
      expect(r.status).toBe(401);
    }
    const blocked = await app!.post(app!.alert({ token: 'guess-11' }), from(guesser));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(60);
    expect(blocked.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });

    // With no allow-list a stranger's wrong tokens from TradingView's shared address box that address;
    // the owner's alert from the same address, with the right token, must still trade.
    const owners = await app!.post(app!.alert(), from(guesser));
    expect(owners.status).toBe(200);
    expect(owners.body.status).toBe('accepted');
    expect(app!.fake.state.orders).toHaveLength(1);
    expect((await app!.post(app!.alert({ token: 'guess-12' }), from(guesser))).status).toBe(429);

    // The penalty is per source: a spoofed left entry cannot borrow another source's standing either.
    const other = await app!.post(app!.alert({ token: 'guess-13' }), from(`${guesser}, 198.51.100.8`));
    expect(other.status).toBe(401);
  });

  it('lifts the block once it has expired', async () => {
    const guesser = '198.51.100.9';
    for (let i = 0; i < 10; i++) await app!.post(app!.alert({ token: `guess-${i}` }), from(guesser));
    expect((await app!.post(app!.alert({ token: 'guess-10' }), from(guesser))).status).toBe(429);
    app!.clock.advance(5 * 60_000 + 1);
    const r = await app!.post(app!.alert({ token: 'guess-11' }), from(guesser));
    expect(r.status).toBe(401);
  });
});
