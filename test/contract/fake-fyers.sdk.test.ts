/**
 * Fidelity of the fake: the official Node SDK (fyers-api-v3 1.9.0) must work against it unchanged,
 * and the fake must refuse what Fyers refuses. The SDK hard-codes its hosts in a shared mutable
 * Config object, which is repointed at the fake (loopback only) for this file.
 */
import { startFakeFyers, type FakeFyers } from '../fake-fyers';

type SdkResult = { s: string; code: number; message?: string; [k: string]: unknown };
interface SdkClient {
  setAppId(id: string): void;
  setRedirectUrl(url: string): void;
  setAccessToken(token: string): void;
  get_profile(): Promise<SdkResult>;
  getQuotes(symbols: string[]): Promise<SdkResult>;
  place_order(body: Record<string, unknown>): Promise<SdkResult>;
  get_orders(): Promise<SdkResult>;
  get_filtered_orders(q: { order_id: string }): Promise<SdkResult>;
  get_positions(): Promise<SdkResult>;
  modify_order(body: Record<string, unknown>): Promise<SdkResult>;
  cancel_order(body: { id: string }): Promise<SdkResult>;
  get_tradebook(): Promise<SdkResult>;
  generateAuthCode(): string;
  generate_access_token(q: { client_id: string; secret_key: string; auth_code: string }): Promise<SdkResult>;
}
type SdkCtor = (new (o: Record<string, unknown>) => SdkClient) & { axiosInstance: { defaults: { timeout: number } } };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { fyersModel } = require('fyers-api-v3') as { fyersModel: SdkCtor };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Config } = require('fyers-api-v3/config/config.js') as { Config: Record<string, string> };

const TICKER = 'NSE:NIFTY2672124400CE';
const order = (over: Record<string, unknown> = {}) => ({
  symbol: TICKER, qty: 65, type: 2, side: 1, productType: 'INTRADAY', limitPrice: 0, stopPrice: 0,
  validity: 'DAY', disclosedQty: 0, offlineOrder: false, stopLoss: 0, takeProfit: 0, orderTag: 'tvA1b2c3', ...over,
});

let fake: FakeFyers;
let sdk: SdkClient;
const original = { ...Config };

beforeAll(() => {
  // The SDK has no timeout of its own (reference §8.4); a hung call should fail the test, not stall it.
  fyersModel.axiosInstance.defaults.timeout = 5000;
});
beforeEach(async () => {
  fake = await startFakeFyers();
  Config.SYNC_API = fake.apiUrl;
  Config.data_Api1 = fake.dataUrl;
  Config.API = `${fake.url}/api/v2`;
  sdk = new fyersModel({ enableLogging: false });
  sdk.setAppId(fake.state.appId);
  sdk.setRedirectUrl(fake.state.redirectUri);
  sdk.setAccessToken(fake.issueAccessToken());
});
afterEach(() => fake.close());
afterAll(() => Object.assign(Config, original));

describe('the official SDK against the fake', () => {
  it('reads the profile with the appId:token header', async () => {
    const r = await sdk.get_profile();
    expect(r).toMatchObject({ s: 'ok', code: 200, data: { fy_id: 'FX0011' } });
    expect(fake.state.requests.at(-1)?.headers.authorization).toMatch(new RegExp(`^${fake.state.appId}:ey`));
  });

  it('gets quotes with LTP at d[].v.lp and a per-symbol error for an unknown ticker', async () => {
    fake.setLtp(TICKER, 187.4);
    const r = await sdk.getQuotes([TICKER, 'NSE:NOPE-EQ']);
    const d = r.d as Array<{ n: string; s: string; v: Record<string, unknown> }>;
    expect(d.find((e) => e.n === TICKER)).toMatchObject({ s: 'ok', v: { lp: 187.4 } });
    expect(d.find((e) => e.n === 'NSE:NOPE-EQ')).toMatchObject({ s: 'error', v: { code: -300 } });
  });

  it('places an order and finds it in the orderbook with the 1: tag prefix', async () => {
    const placed = await sdk.place_order(order());
    expect(placed).toMatchObject({ s: 'ok', code: 1101 });
    expect(String(placed.id)).toMatch(/^\d{14}$/);
    expect(fake.state.orders).toHaveLength(1);

    const book = await sdk.get_orders();
    const rows = book.orderBook as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: placed.id, symbol: TICKER, qty: 65, side: 1, status: 2, orderTag: '1:tvA1b2c3' });
    expect(await sdk.get_filtered_orders({ order_id: String(placed.id) })).toMatchObject({ orderBook: [{ id: placed.id }] });

    const pos = await sdk.get_positions();
    expect(pos.netPositions).toEqual([expect.objectContaining({ symbol: TICKER, netQty: 65, productType: 'INTRADAY', id: `${TICKER}-INTRADAY` })]);
  });

  it('modifies and cancels a resting order (PATCH / DELETE with a JSON body) and lists fills in the tradebook', async () => {
    const resting = await sdk.place_order(order({ type: 1, limitPrice: 1.05 }));
    const id = String(resting.id);
    expect(await sdk.modify_order({ id, type: 1, limitPrice: 1.1, qty: 130 })).toMatchObject({ s: 'ok', id });
    expect(fake.state.orders[0]).toMatchObject({ limitPrice: 1.1, qty: 130, status: 6 });
    expect(await sdk.cancel_order({ id })).toMatchObject({ s: 'ok', code: 1103, id });
    expect(fake.state.orders[0]?.status).toBe(1);
    await expect(sdk.cancel_order({ id })).rejects.toMatchObject({ s: 'error' });

    const filled = await sdk.place_order(order());
    const trades = (await sdk.get_tradebook()).tradeBook as Array<Record<string, unknown>>;
    expect(trades).toEqual([expect.objectContaining({ orderNumber: filled.id, tradedQty: 65, symbol: TICKER, orderTag: '1:tvA1b2c3' })]);
  });

  it('completes the login flow: generateAuthCode URL, redirect with auth_code, generate_access_token', async () => {
    const loginUrl = sdk.generateAuthCode();
    expect(loginUrl.startsWith(fake.apiUrl)).toBe(true);
    // The SDK leaves redirect_uri unencoded (reference §8.8); the fake must still read it.
    const res = await fetch(loginUrl, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location') ?? '');
    expect(back.searchParams.get('state')).toBe('sample_state');
    const authCode = back.searchParams.get('auth_code') ?? '';

    const tokens = await sdk.generate_access_token({ client_id: fake.state.appId, secret_key: fake.state.appSecret, auth_code: authCode });
    expect(tokens).toMatchObject({ s: 'ok', code: 200 });
    sdk.setAccessToken(String(tokens.access_token));
    expect(await sdk.get_profile()).toMatchObject({ s: 'ok' });

    const wrongSecret = await sdk.generate_access_token({ client_id: fake.state.appId, secret_key: 'wrong', auth_code: authCode });
    expect(wrongSecret).toMatchObject({ s: 'error', code: -371 });
  });

  it('rejects a dead token the way the live API does', async () => {
    fake.killTokens();
    await expect(sdk.get_profile()).rejects.toEqual({ code: -16, message: 'Could not authenticate the user', s: 'error' });
    await expect(sdk.getQuotes([TICKER])).rejects.toMatchObject({ code: -15, s: 'error' });
  });
});

describe('the fake refuses what Fyers refuses', () => {
  const refused = async (body: Record<string, unknown>) => {
    const err = await sdk.place_order(body).then(() => undefined, (e: SdkResult) => e);
    expect(fake.state.orders).toHaveLength(0);
    return err;
  };

  it('a quantity that is not a multiple of the lot size', async () => {
    expect(await refused(order({ qty: 50 }))).toMatchObject({ s: 'error', code: -50, message: expect.stringMatching(/lot size 65/) });
  });
  it('a price off the tick grid', async () => {
    expect(await refused(order({ type: 1, limitPrice: 101.03 }))).toMatchObject({ code: -50, message: expect.stringMatching(/tick size 0\.0500/) });
    expect(await refused(order({ legType: 1, stopLoss: 2.02, takeProfit: 5 }))).toMatchObject({
      code: -50, message: 'StopLoss not a multiple of tick size 0.0500',
    });
  });
  it('an orderTag that is not alphanumeric or longer than 30', async () => {
    expect(await refused(order({ orderTag: 'tv-1' }))).toMatchObject({ code: -50, message: expect.stringMatching(/orderTag/) });
    expect(await refused(order({ orderTag: 'a'.repeat(31) }))).toMatchObject({ code: -50 });
  });
  it('BO and CO, retired: HTTP 400 with code -1800, as the official Go SDK documents', async () => {
    expect(await refused(order({ productType: 'BO', orderTag: undefined, stopLoss: 5, takeProfit: 10 }))).toMatchObject({ s: 'error', code: -1800, message: expect.stringMatching(/deprecated/) });
    expect(await refused(order({ productType: 'CO', orderTag: undefined, stopLoss: 5 }))).toMatchObject({ s: 'error', code: -1800 });
  });
  it('legs on a contract set to refuse them, naming the legs; the same order without legs goes through', async () => {
    fake.refuseLegs(String(order({}).symbol));
    expect(await refused(order({ legType: 1, stopLoss: 5 }))).toMatchObject({ code: -50, message: expect.stringMatching(/stopLoss/) });
    await expect(sdk.place_order(order({}))).resolves.toMatchObject({ s: 'ok' });
    fake.refuseLegs(String(order({}).symbol), null);
  });
  it('an unknown symbol, bad side and product', async () => {
    expect(await refused(order({ symbol: 'NSE:NIFTY26JUL99999CE' }))).toMatchObject({ code: -300 });
    expect(await refused(order({ side: 0 }))).toMatchObject({ code: -50, message: 'Invalid side' });
    expect(await refused(order({ productType: 'DELIVERY' }))).toMatchObject({ code: -50, message: 'Invalid productType' });
  });
  it('accepts TP/SL legs in points (on the tick grid) and in percent (legType 2, no tick rule)', async () => {
    await expect(sdk.place_order(order({ type: 1, limitPrice: 150.05, legType: 1, stopLoss: 5, takeProfit: 10.5 }))).resolves.toMatchObject({ s: 'ok' });
    await expect(sdk.place_order(order({ legType: 2, stopLoss: 1.37, takeProfit: 2.5 }))).resolves.toMatchObject({ s: 'ok' });
    expect(fake.state.orders.map((o) => o.legType)).toEqual([1, 2]);
  });
});
